import FlotillaCore
import Foundation
import HummingbirdTesting
import Testing

@testable import InventoryService

@Suite struct ExpiryTests {
    /// The background sweep (a ServiceLifecycle service) expires uncommitted reservations and returns their stock.
    @Test(arguments: Engine.allCases)
    func theSweepExpiresReservationsAfterTheirTTL(engine: Engine) async throws {
        let options = InventoryServiceOptions(catalogue: testCatalogue, reservationTTL: .milliseconds(1500), sweepInterval: .milliseconds(50))
        let app = try await makeInventoryService(try engine.freshDatabase(), options: options)
        let sweeper = app.sweeper
        let sweeping = Task { try await sweeper.run() }
        defer { sweeping.cancel() }
        try await app.kit.makeApplication().test(.router) { client in
            #expect(try await client.reserve("expiring", [("A-1", 4)]).status == .created)
            #expect(try await client.reserve("kept", [("A-1", 1)]).status == .created)
            #expect(try await client.send(.post, "/reservations/kept/commit").status == .ok)
            #expect(try await client.stock("A-1") == 5)
            var status: String?
            for _ in 0..<200 where status != "expired" {
                try await Task.sleep(for: .milliseconds(50))
                status = object(try await client.send(.get, "/reservations/expiring").body)["status"] as? String
            }
            #expect(status == "expired")
            #expect(try await client.stock("A-1") == 9)
            let line = try #require(try await client.summary().line("A-1"))
            #expect(line == StockSummary.Line(sku: "A-1", initial: 10, available: 9, reserved: 0, committed: 1))
            #expect(try await client.send(.post, "/reservations/expiring/commit").status == .conflict)
            let release = try await client.send(.post, "/reservations/expiring/release")
            #expect(release.status == .ok)
            #expect(object(release.body)["status"] as? String == "expired")
            #expect(try await client.stock("A-1") == 9)
            let late = try await client.reserve("expiring", [("A-1", 4)])
            #expect(late.status == .conflict)
            #expect((object(late.body)["detail"] as? String)?.contains("expired") == true)
        }
        await app.store.shutdown()
    }

    /// A commit after the TTL is refused even before a sweep ran, and the stock goes back then.
    @Test(arguments: Engine.allCases)
    func aCommitAfterTheTTLIsRefusedWithoutWaitingForTheSweep(engine: Engine) async throws {
        let options = InventoryServiceOptions(catalogue: testCatalogue, reservationTTL: .milliseconds(100), sweepInterval: .seconds(3600))
        let app = try await makeInventoryService(try engine.freshDatabase(), options: options)
        try await app.kit.makeApplication().test(.router) { client in
            #expect(try await client.reserve("late", [("B-2", 5)]).status == .created)
            try await Task.sleep(for: .milliseconds(250))
            let commit = try await client.send(.post, "/reservations/late/commit")
            #expect(commit.status == .conflict)
            #expect((object(commit.body)["detail"] as? String)?.contains("expired") == true)
            #expect(try await client.stock("B-2") == 5)
            #expect(try await client.summary().conserved)
        }
        await app.store.shutdown()
    }

    /// Two sweeps at once (two replicas) return an expired reservation's stock once.
    @Test(arguments: Engine.allCases)
    func concurrentSweepsReturnStockOnce(engine: Engine) async throws {
        let options = InventoryServiceOptions(catalogue: testCatalogue, reservationTTL: .milliseconds(50), sweepInterval: .seconds(3600))
        let app = try await makeInventoryService(try engine.freshDatabase(), options: options)
        let sweeper = app.sweeper
        try await app.kit.makeApplication().test(.router) { client in
            for index in 0..<5 { #expect(try await client.reserve("r\(index)", [("A-1", 2)]).status == .created) }
            #expect(try await client.stock("A-1") == 0)
            try await Task.sleep(for: .milliseconds(100))
            let now = Date()
            let counts = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<4 { group.addTask { try await sweeper.sweep(now: now) } }
                return try await group.reduce(0, +)
            }
            #expect(counts == 5)
            #expect(try await client.stock("A-1") == 10)
            #expect(try await client.summary().conserved)
        }
        await app.store.shutdown()
    }
}
