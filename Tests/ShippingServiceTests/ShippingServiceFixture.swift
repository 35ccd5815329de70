import FlotillaCore
import FlotillaHTTP
import FlotillaTesting
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting

@testable import ShippingService

/// The engines shipping-service tests run on.
enum Engine: String, CaseIterable, CustomStringConvertible, Sendable {
    case sqlite, postgres
    var description: String { rawValue }

    func freshDatabase() throws -> DatabaseLocation {
        switch self {
        case .sqlite:
            return .sqlite(path: try Command.temporaryDirectory(prefix: "shipping-service").appendingPathComponent("shipments.sqlite").path)
        case .postgres:
            return .postgres(url: try PostgresServer.freshDatabase(prefix: "shipments"))
        }
    }
}

/// Builds a started shipping-service on `database`.
func makeShippingService(_ database: DatabaseLocation) async throws -> ShippingServiceApp {
    let configuration = ServiceConfiguration(serviceName: "shipping-service", port: 0, database: database, logFormat: .json)
    let app = try ShippingServiceApp(configuration: configuration)
    try await app.kit.startUp()
    return app
}

/// The largest body a service accepts when MAX_BODY_SIZE is not set.
let defaultBodyLimit = ServiceConfiguration(serviceName: "limit", port: 0).maxBodySize

/// Runs `body` against a fresh shipping-service on `engine` and shuts its store down afterwards.
func withShippingService(
    _ engine: Engine = .sqlite,
    _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void
) async throws {
    let app = try await makeShippingService(try engine.freshDatabase())
    do {
        try await app.kit.makeApplication().test(.router) { client in try await body(client) }
    } catch {
        await app.store.shutdown()
        throw error
    }
    await app.store.shutdown()
}

/// A shipment body; pass a field as `nil` to leave it out, a string to put it in verbatim (raw JSON).
func shipmentJSON(
    orderId: String? = #""order-1""#,
    name: String? = #""Ada Lovelace""#,
    line1: String? = #""12 St James's Square""#,
    city: String? = #""London""#,
    postalCode: String? = #""SW1Y 4JH""#,
    country: String? = #""GB""#,
    items: String? = #"[{"sku":"SKU-1","quantity":2}]"#
) -> String {
    let address = [("name", name), ("line1", line1), ("city", city), ("postalCode", postalCode), ("country", country)]
        .compactMap { key, value in value.map { "\"\(key)\":\($0)" } }.joined(separator: ",")
    let fields = [("orderId", orderId), ("address", "{\(address)}"), ("items", items)]
        .compactMap { key, value in value.map { "\"\(key)\":\($0)" } }.joined(separator: ",")
    return "{\(fields)}"
}

/// A shipment to `country` for `orderId`.
func shipment(_ orderId: String, country: String = "DE") -> String {
    shipmentJSON(orderId: "\"\(orderId)\"", country: "\"\(country)\"")
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

    /// Schedules and returns the new shipment's id (it must succeed).
    func scheduledShipment(_ orderId: String) async throws -> String {
        let response = try await send(.post, "/shipments", json: shipment(orderId))
        guard response.status == .created, let id = object(response.body)["id"] as? String else {
            throw FixtureError("scheduling failed: \(response.status) \(String(buffer: response.body))")
        }
        return id
    }

    /// The shipments of `orderId` as JSON objects.
    func shipments(of orderId: String) async throws -> [[String: Any]] {
        let response = try await send(.get, "/shipments?orderId=\(orderId)")
        return object(response.body)["items"] as? [[String: Any]] ?? []
    }
}

/// The body as a JSON object (empty when it is not one).
func object(_ buffer: ByteBuffer) -> [String: Any] {
    ((try? JSONSerialization.jsonObject(with: Data(buffer.readableBytesView))) as? [String: Any]) ?? [:]
}
