import Foundation
import HummingbirdTesting
import Testing

@testable import InventoryService

@Suite struct ConcurrencyTests {
    /// 50 concurrent reservations of one unit each for a product with 10 in stock: exactly 10 hold stock.
    @Test(arguments: Engine.allCases)
    func fiftyConcurrentReservationsNeverOversell(engine: Engine) async throws {
        let app = try await makeInventoryService(try engine.freshDatabase())
        try await app.kit.makeApplication().test(.router) { client in
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<50 {
                    group.addTask { Int(try await client.reserve("order-\(index)", [("A-1", 1)]).status.code) }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == 201 }.count == 10)
            #expect(statuses.filter { $0 == 409 }.count == 40)
            let line = try #require(try await client.summary().line("A-1"))
            #expect(line.available == 0)
            #expect(line.reserved == 10)
        }
        await app.store.shutdown()
    }

    /// Mixed multi-item reservations racing releases and commits keep every unit accounted for.
    @Test(arguments: Engine.allCases)
    func racingReservationsReleasesAndCommitsConserveStock(engine: Engine) async throws {
        let app = try await makeInventoryService(try engine.freshDatabase())
        try await app.kit.makeApplication().test(.router) { client in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<30 {
                    group.addTask {
                        let id = "mix-\(index)"
                        // Opposite sku orders in the request must not deadlock on PostgreSQL.
                        let items = index.isMultiple(of: 2) ? [("A-1", 1), ("B-2", 1)] : [("B-2", 1), ("A-1", 1)]
                        let reserved = try await client.reserve(id, items)
                        guard reserved.status == .created else { return }
                        _ = try await client.send(.post, "/reservations/\(id)/\(index.isMultiple(of: 3) ? "commit" : "release")")
                    }
                    group.addTask { _ = try await client.send(.post, "/reservations/mix-\(index)/release") }
                }
                try await group.waitForAll()
            }
            let summary = try await client.summary()
            #expect(summary.conserved)
            for line in summary.items { #expect(line.available >= 0) }
        }
        await app.store.shutdown()
    }

    /// The same reservation id sent many times at once holds stock once.
    @Test(arguments: Engine.allCases)
    func concurrentRepeatsOfOneReservationHoldStockOnce(engine: Engine) async throws {
        let app = try await makeInventoryService(try engine.freshDatabase())
        try await app.kit.makeApplication().test(.router) { client in
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<20 {
                    group.addTask { Int(try await client.reserve("order-1", [("A-1", 2)]).status.code) }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == 201 }.count == 1)
            #expect(statuses.filter { $0 == 200 }.count == 19)
            #expect(try await client.stock("A-1") == 8)
        }
        await app.store.shutdown()
    }
}
