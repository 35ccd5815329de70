import HummingbirdTesting
import MetricsTestKit
import Testing

@testable import InventoryService

@Suite struct MetricsTests {
    @Test func reservationOutcomesAreCounted() async throws {
        let metrics = TestMetrics()
        let app = try await makeInventoryService(try Engine.sqlite.freshDatabase(), metricsFactory: metrics)
        try await app.kit.makeApplication().test(.router) { client in
            _ = try await client.reserve("r1", [("A-1", 1)])
            _ = try await client.reserve("r1", [("A-1", 1)])
            _ = try await client.reserve("r2", [("C-3", 1)])
            _ = try await client.reserve("r3", [("Z-9", 1)])
            _ = try await client.send(.post, "/reservations/r1/commit")
            _ = try await client.reserve("r4", [("A-1", 1)])
            _ = try await client.send(.post, "/reservations/r4/release")
            _ = try await client.send(.post, "/reservations/r5/release")
        }
        func count(_ outcome: String) throws -> Int64 {
            try metrics.expectCounter(InventoryMetrics.label, [("outcome", outcome)]).totalValue
        }
        #expect(try count("reserved") == 2)
        #expect(try count("existing") == 1)
        #expect(try count("out_of_stock") == 1)
        #expect(try count("unknown_sku") == 1)
        #expect(try count("committed") == 1)
        #expect(try count("released") == 1)
        await app.store.shutdown()
    }

    @Test func theCounterIsServedAtMetrics() async throws {
        let app = try await makeInventoryService(try Engine.sqlite.freshDatabase())
        try await app.kit.makeApplication().test(.router) { client in
            _ = try await client.reserve("r1", [("A-1", 1)])
            let text = String(buffer: try await client.send(.get, "/metrics").body)
            #expect(text.contains(#"inventory_reservations_total{outcome="reserved"}"#))
        }
        await app.store.shutdown()
    }
}
