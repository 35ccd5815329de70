import FlotillaStore
import FlotillaTesting
import Foundation
import HummingbirdTesting
import SQLKit
import Testing

@testable import PaymentService

/// Only the last four digits of a card are ever kept: not in the database, not in the logs.
@Suite struct CardDataTests {
    static let numbers = ["4242424242424242", "4000000000000002", "4000000000009995", "4000000000000119", "5555555555554444"]

    /// Charges every test card (and a Luhn-invalid one) with an idempotency key, then refunds by order.
    static func chargeEveryCard(_ client: any TestClientProtocol) async throws {
        for (index, number) in (numbers + ["4242424242424241"]).enumerated() {
            _ = try await client.send(.post, "/payments", json: charge("order-cards", card: number), key: "key-\(index)")
        }
        _ = try await client.send(.post, "/payments/refunds", json: #"{"orderId":"order-cards"}"#, key: "refund-key")
    }

    @Test func theSQLiteFilesHoldNoFullCardNumber() async throws {
        let folder = try Command.temporaryDirectory(prefix: "payment-card-data")
        let app = try await makePaymentService(.sqlite(path: folder.appendingPathComponent("payments.sqlite").path))
        try await app.kit.makeApplication().test(.router) { client in
            try await Self.chargeEveryCard(client)
            #expect(try await client.payments(of: "order-cards").count == 4)
        }
        await app.store.shutdown()
        var bytes = Data()
        for file in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
            bytes.append(try Data(contentsOf: folder.appendingPathComponent(file)))
        }
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.contains("order-cards"), "the scan must see the stored rows")
        #expect(text.contains("4242"))
        for number in Self.numbers + ["4242424242424241"] {
            #expect(!text.contains(number), "\(number) is stored")
            #expect(!text.contains(String(number.prefix(12))), "more than the last four digits of \(number) are stored")
        }
    }

    @Test func thePostgreSQLRowsHoldNoFullCardNumber() async throws {
        let app = try await makePaymentService(try Engine.postgres.freshDatabase())
        try await app.kit.makeApplication().test(.router) { client in
            try await Self.chargeEveryCard(client)
        }
        let tables = try await app.store.sql.raw("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'").all()
            .map { try $0.decode(column: "table_name", as: String.self) }
        #expect(tables.contains("payments"))
        var dump = ""
        for table in tables {
            for row in try await app.store.sql.raw("SELECT CAST(t AS TEXT) AS line FROM \(ident: table) t").all() {
                dump += try row.decode(column: "line", as: String.self) + "\n"
            }
        }
        await app.store.shutdown()
        #expect(dump.contains("order-cards"), "the scan must see the stored rows")
        for number in Self.numbers + ["4242424242424241"] {
            #expect(!dump.contains(number), "\(number) is stored")
            #expect(!dump.contains(String(number.prefix(12))), "more than the last four digits of \(number) are stored")
        }
    }
}
