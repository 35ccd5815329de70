import FlotillaCore
import FlotillaHTTP
import FlotillaTesting
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting

@testable import PaymentService

/// The engines payment-service tests run on.
enum Engine: String, CaseIterable, CustomStringConvertible, Sendable {
    case sqlite, postgres
    var description: String { rawValue }

    func freshDatabase() throws -> DatabaseLocation {
        switch self {
        case .sqlite:
            return .sqlite(path: try Command.temporaryDirectory(prefix: "payment-service").appendingPathComponent("payments.sqlite").path)
        case .postgres:
            return .postgres(url: try PostgresServer.freshDatabase(prefix: "payments"))
        }
    }
}

/// 15 June 2026, 12:00 UTC: the fixed "now" card expiry is checked against in these tests.
let testNow = Date(timeIntervalSince1970: 1_781_524_800)

/// Builds a started payment-service on `database`, with the clock fixed at ``testNow``.
func makePaymentService(_ database: DatabaseLocation, now: Date = testNow) async throws -> PaymentServiceApp {
    let configuration = ServiceConfiguration(serviceName: "payment-service", port: 0, database: database, logFormat: .json)
    let app = try PaymentServiceApp(configuration: configuration, now: { now })
    try await app.kit.startUp()
    return app
}

/// The largest body a service accepts when MAX_BODY_SIZE is not set.
let defaultBodyLimit = ServiceConfiguration(serviceName: "limit", port: 0).maxBodySize

/// Runs `body` against a fresh payment-service on `engine` and shuts its store down afterwards.
func withPaymentService(
    _ engine: Engine = .sqlite,
    _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void
) async throws {
    let app = try await makePaymentService(try engine.freshDatabase())
    do {
        try await app.kit.makeApplication().test(.router) { client in try await body(client) }
    } catch {
        await app.store.shutdown()
        throw error
    }
    await app.store.shutdown()
}

/// A charge body; pass a field as `nil` to leave it out, a string to put it in verbatim (raw JSON).
func chargeJSON(
    orderId: String? = #""order-1""#,
    amount: String? = "1999",
    currency: String? = #""EUR""#,
    number: String? = #""4242424242424242""#,
    expMonth: String? = "12",
    expYear: String? = "2030",
    cvc: String? = #""123""#
) -> String {
    let card = [("number", number), ("expMonth", expMonth), ("expYear", expYear), ("cvc", cvc)]
        .compactMap { key, value in value.map { "\"\(key)\":\($0)" } }.joined(separator: ",")
    let fields = [("orderId", orderId), ("amount", amount), ("currency", currency), ("card", "{\(card)}")]
        .compactMap { key, value in value.map { "\"\(key)\":\($0)" } }.joined(separator: ",")
    return "{\(fields)}"
}

/// A charge of `amount` for `orderId` with the card `number`.
func charge(_ orderId: String, card number: String = "4242424242424242", amount: Int = 1999) -> String {
    chargeJSON(orderId: "\"\(orderId)\"", amount: String(amount), number: "\"\(number)\"")
}

extension TestClientProtocol {
    /// Sends JSON (or nothing) with an optional idempotency key and returns the response.
    func send(
        _ method: HTTPRequest.Method,
        _ uri: String,
        json: String? = nil,
        key: String? = nil,
        contentType: String = "application/json"
    ) async throws -> TestResponse {
        var headers: HTTPFields = [:]
        if json != nil { headers[.contentType] = contentType }
        if let key { headers[HTTPField.Name("Idempotency-Key")!] = key }
        return try await execute(uri: uri, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) })
    }

    /// Charges and returns the new payment's id (the charge must succeed).
    func capturedPayment(_ orderId: String, card: String = "4242424242424242", amount: Int = 1999) async throws -> String {
        let response = try await send(.post, "/payments", json: charge(orderId, card: card, amount: amount))
        guard response.status == .created, let id = object(response.body)["id"] as? String else {
            throw FixtureError("charge failed: \(response.status) \(String(buffer: response.body))")
        }
        return id
    }

    /// The payments of `orderId` as JSON objects.
    func payments(of orderId: String) async throws -> [[String: Any]] {
        let response = try await send(.get, "/payments?orderId=\(orderId)")
        return object(response.body)["items"] as? [[String: Any]] ?? []
    }
}

/// The body as a JSON object (empty when it is not one).
func object(_ buffer: ByteBuffer) -> [String: Any] {
    ((try? JSONSerialization.jsonObject(with: Data(buffer.readableBytesView))) as? [String: Any]) ?? [:]
}
