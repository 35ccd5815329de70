import FlotillaCore
import FlotillaHTTP
import FlotillaTesting
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Metrics

@testable import InventoryService

/// The engines inventory-service tests run on.
enum Engine: String, CaseIterable, CustomStringConvertible, Sendable {
    case sqlite, postgres
    var description: String { rawValue }

    func freshDatabase() throws -> DatabaseLocation {
        switch self {
        case .sqlite:
            return .sqlite(path: try Command.temporaryDirectory(prefix: "inventory-service").appendingPathComponent("inventory.sqlite").path)
        case .postgres:
            return .postgres(url: try PostgresServer.freshDatabase(prefix: "inventory"))
        }
    }
}

/// A small catalogue whose stock the tests know: A-1 has 10, B-2 has 5, C-3 has none.
let testCatalogue = Catalogue(products: [
    Product(sku: "A-1", name: "Apple", description: "A red apple.", price: Money(amount: 120, currency: "EUR"), stock: 10),
    Product(sku: "B-2", name: "Banana", description: "A ripe banana.", price: Money(amount: 80, currency: "EUR"), stock: 5),
    Product(sku: "C-3", name: "Cherry", description: "Sold out.", price: Money(amount: 15, currency: "EUR"), stock: 0),
])

/// Builds a started inventory-service on `database`.
func makeInventoryService(
    _ database: DatabaseLocation,
    options: InventoryServiceOptions = .init(catalogue: testCatalogue),
    metricsFactory: (any MetricsFactory)? = nil
) async throws -> InventoryServiceApp {
    let configuration = ServiceConfiguration(serviceName: "inventory-service", port: 0, database: database, logFormat: .json)
    let app = try InventoryServiceApp(configuration: configuration, options: options, metricsFactory: metricsFactory)
    try await app.kit.startUp()
    return app
}

extension TestClientProtocol {
    /// Sends JSON (and an Idempotency-Key when given) and returns the response.
    func send(
        _ method: HTTPRequest.Method,
        _ uri: String,
        json: String? = nil,
        idempotencyKey: String? = nil,
        headers extra: HTTPFields = [:]
    ) async throws -> TestResponse {
        var headers: HTTPFields = extra
        if json != nil, headers[.contentType] == nil { headers[.contentType] = "application/json" }
        if let idempotencyKey { headers[.idempotencyKey] = idempotencyKey }
        return try await execute(uri: uri, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) })
    }

    /// `POST /reservations` with `items` as `[(sku, quantity)]`.
    func reserve(_ id: String, _ items: [(String, Int)], idempotencyKey: String? = nil) async throws -> TestResponse {
        let lines = items.map { #"{"sku":"\#($0.0)","quantity":\#($0.1)}"# }.joined(separator: ",")
        return try await send(.post, "/reservations", json: #"{"reservationId":"\#(id)","items":[\#(lines)]}"#, idempotencyKey: idempotencyKey)
    }

    /// The available stock of `sku`.
    func stock(_ sku: String) async throws -> Int {
        let response = try await send(.get, "/products/\(sku)")
        guard response.status == .ok, let stock = object(response.body)["stock"] as? Int else {
            throw FixtureError("GET /products/\(sku): \(response.status) \(String(buffer: response.body))")
        }
        return stock
    }

    /// `GET /inventory/summary`, decoded.
    func summary() async throws -> StockSummary {
        let response = try await send(.get, "/inventory/summary")
        return try JSONDecoder().decode(StockSummary.self, from: Data(response.body.readableBytesView))
    }
}

extension StockSummary {
    /// The line of `sku`.
    func line(_ sku: String) -> Line? { items.first { $0.sku == sku } }
}

/// The body as a JSON object (empty when it is not one).
func object(_ buffer: ByteBuffer) -> [String: Any] {
    ((try? JSONSerialization.jsonObject(with: Data(buffer.readableBytesView))) as? [String: Any]) ?? [:]
}
