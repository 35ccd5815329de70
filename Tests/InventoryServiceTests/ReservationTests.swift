import Foundation
import HummingbirdTesting
import Testing

@testable import InventoryService

@Suite struct ReservationTests {
    @Test(arguments: Engine.allCases)
    func aReservationHoldsStockAndAnswersItsShape(engine: Engine) async throws {
        let app = try await makeInventoryService(try engine.freshDatabase())
        try await app.kit.makeApplication().test(.router) { client in
            let response = try await client.reserve("order-1", [("B-2", 2), ("A-1", 3)])
            #expect(response.status == .created)
            #expect(response.headers[.location] == "/reservations/order-1")
            let body = object(response.body)
            #expect(Set(body.keys) == ["id", "status", "items", "expiresAt"])
            #expect(body["id"] as? String == "order-1")
            #expect(body["status"] as? String == "reserved")
            let items = try #require(body["items"] as? [[String: Any]])
            #expect(items.map { $0["sku"] as? String } == ["A-1", "B-2"])
            #expect(items.map { $0["quantity"] as? Int } == [3, 2])
            let expiresAt = try #require(body["expiresAt"] as? String)
            let expiry = try #require(ISO8601DateFormatter.withFractions.date(from: expiresAt))
            #expect(abs(expiry.timeIntervalSinceNow - 900) < 60)
            #expect(try await client.stock("A-1") == 7)
            #expect(try await client.stock("B-2") == 3)
            let shown = try await client.send(.get, "/reservations/order-1")
            #expect(shown.status == .ok)
            #expect(object(shown.body)["status"] as? String == "reserved")
        }
        await app.store.shutdown()
    }

    @Test(arguments: Engine.allCases)
    func duplicateSkusInOneRequestAreSummed(engine: Engine) async throws {
        let app = try await makeInventoryService(try engine.freshDatabase())
        try await app.kit.makeApplication().test(.router) { client in
            let response = try await client.reserve("order-1", [("A-1", 2), ("B-2", 1), ("A-1", 4)])
            #expect(response.status == .created)
            let items = try #require(object(response.body)["items"] as? [[String: Any]])
            #expect(items.map { $0["quantity"] as? Int } == [6, 1])
            #expect(try await client.stock("A-1") == 4)
            // Summed, 6 + 6 is more than the 10 in stock.
            let refused = try await client.reserve("order-2", [("A-1", 3), ("A-1", 3)])
            #expect(refused.status == .conflict)
        }
        await app.store.shutdown()
    }

    @Test(arguments: Engine.allCases)
    func itReservesAllOrNoneAndNamesTheShortSkus(engine: Engine) async throws {
        let app = try await makeInventoryService(try engine.freshDatabase())
        try await app.kit.makeApplication().test(.router) { client in
            let response = try await client.reserve("order-1", [("A-1", 2), ("B-2", 6), ("C-3", 1)])
            #expect(response.status == .conflict)
            #expect(response.headers[.contentType] == "application/problem+json")
            let problem = object(response.body)
            #expect(problem["type"] as? String == "https://flotilla.dev/problems/out-of-stock")
            #expect(problem["shortSkus"] as? [String] == ["B-2", "C-3"])
            let shortages = try #require(problem["shortages"] as? [[String: Any]])
            #expect(shortages.first?["available"] as? Int == 5)
            #expect(shortages.first?["requested"] as? Int == 6)
            #expect((problem["detail"] as? String)?.contains("B-2") == true)
            #expect(problem["instance"] as? String == "/reservations")
            #expect(try await client.stock("A-1") == 10)
            #expect(try await client.stock("B-2") == 5)
            #expect(try await client.send(.get, "/reservations/order-1").status == .notFound)
            // The refusal holds nothing, so the id is still free.
            #expect(try await client.reserve("order-1", [("A-1", 2)]).status == .created)
        }
        await app.store.shutdown()
    }

    @Test(arguments: Engine.allCases)
    func anUnknownSkuIs422NamingItAndHoldsNothing(engine: Engine) async throws {
        let app = try await makeInventoryService(try engine.freshDatabase())
        try await app.kit.makeApplication().test(.router) { client in
            let response = try await client.reserve("order-1", [("A-1", 1), ("NOPE-1", 1)])
            #expect(response.status == .unprocessableContent)
            let problem = object(response.body)
            #expect(problem["unknownSkus"] as? [String] == ["NOPE-1"])
            #expect(problem["type"] as? String == "https://flotilla.dev/problems/unknown-sku")
            #expect(try await client.stock("A-1") == 10)
        }
        await app.store.shutdown()
    }

    @Test(arguments: Engine.allCases)
    func reservingAgainWithTheSameIdDoesNotHoldTwice(engine: Engine) async throws {
        let app = try await makeInventoryService(try engine.freshDatabase())
        try await app.kit.makeApplication().test(.router) { client in
            let first = try await client.reserve("order-1", [("A-1", 3)])
            #expect(first.status == .created)
            let again = try await client.reserve("order-1", [("A-1", 1), ("A-1", 2)])
            #expect(again.status == .ok)
            #expect(object(again.body)["expiresAt"] as? String == object(first.body)["expiresAt"] as? String)
            #expect(try await client.stock("A-1") == 7)
            let other = try await client.reserve("order-1", [("A-1", 4)])
            #expect(other.status == .conflict)
            #expect(object(other.body)["type"] as? String == "https://flotilla.dev/problems/reservation-conflict")
            #expect(try await client.stock("A-1") == 7)
        }
        await app.store.shutdown()
    }

    @Test(arguments: Engine.allCases)
    func releaseGivesTheStockBackOnce(engine: Engine) async throws {
        let app = try await makeInventoryService(try engine.freshDatabase())
        try await app.kit.makeApplication().test(.router) { client in
            #expect(try await client.reserve("order-1", [("A-1", 4)]).status == .created)
            let released = try await client.send(.post, "/reservations/order-1/release")
            #expect(released.status == .ok)
            #expect(object(released.body)["status"] as? String == "released")
            #expect(try await client.stock("A-1") == 10)
            let again = try await client.send(.post, "/reservations/order-1/release")
            #expect(again.status == .ok)
            #expect(object(again.body)["status"] as? String == "released")
            #expect(try await client.stock("A-1") == 10)
            // A released id is closed: reserving with it again is refused and holds nothing.
            let late = try await client.reserve("order-1", [("A-1", 4)])
            #expect(late.status == .conflict)
            #expect(object(late.body)["type"] as? String == "https://flotilla.dev/problems/reservation-closed")
            #expect(try await client.stock("A-1") == 10)
            #expect(try await client.send(.post, "/reservations/order-1/commit").status == .conflict)
        }
        await app.store.shutdown()
    }

    /// A compensation that overtakes its reserve (or follows a reserve that never landed) closes the id.
    @Test(arguments: Engine.allCases)
    func releasingAnUnknownIdClosesItAgainstALateReserve(engine: Engine) async throws {
        let app = try await makeInventoryService(try engine.freshDatabase())
        try await app.kit.makeApplication().test(.router) { client in
            let released = try await client.send(.post, "/reservations/order-9/release")
            #expect(released.status == .ok)
            let body = object(released.body)
            #expect(body["status"] as? String == "none")
            #expect((body["items"] as? [Any])?.isEmpty == true)
            #expect(body.keys.contains("expiresAt"))
            let late = try await client.reserve("order-9", [("A-1", 1)])
            #expect(late.status == .conflict)
            #expect((object(late.body)["detail"] as? String)?.contains("already released") == true)
            #expect(try await client.stock("A-1") == 10)
            let shown = object(try await client.send(.get, "/reservations/order-9").body)
            #expect(shown["status"] as? String == "released")
            #expect(try await client.send(.post, "/reservations/order-9/release").status == .ok)
        }
        await app.store.shutdown()
    }

    @Test(arguments: Engine.allCases)
    func commitTakesTheStockForGood(engine: Engine) async throws {
        let app = try await makeInventoryService(try engine.freshDatabase())
        try await app.kit.makeApplication().test(.router) { client in
            #expect(try await client.reserve("order-1", [("B-2", 2)]).status == .created)
            let committed = try await client.send(.post, "/reservations/order-1/commit")
            #expect(committed.status == .ok)
            #expect(object(committed.body)["status"] as? String == "committed")
            #expect(try await client.send(.post, "/reservations/order-1/commit").status == .ok)
            #expect(try await client.stock("B-2") == 3)
            let release = try await client.send(.post, "/reservations/order-1/release")
            #expect(release.status == .conflict)
            #expect(object(release.body)["type"] as? String == "https://flotilla.dev/problems/reservation-committed")
            #expect(try await client.stock("B-2") == 3)
            #expect(try await client.send(.post, "/reservations/nobody/commit").status == .notFound)
            #expect(try await client.send(.get, "/reservations/nobody").status == .notFound)
            let line = try #require(try await client.summary().line("B-2"))
            #expect(line.committed == 2)
            #expect(line.available == 3)
        }
        await app.store.shutdown()
    }

    @Test(arguments: Engine.allCases)
    func theSummaryConservesStockThroughEveryTransition(engine: Engine) async throws {
        let app = try await makeInventoryService(try engine.freshDatabase())
        try await app.kit.makeApplication().test(.router) { client in
            _ = try await client.reserve("r1", [("A-1", 2), ("B-2", 1)])
            _ = try await client.reserve("r2", [("A-1", 3)])
            _ = try await client.reserve("r3", [("B-2", 4)])
            _ = try await client.send(.post, "/reservations/r1/commit")
            _ = try await client.send(.post, "/reservations/r2/release")
            _ = try await client.send(.post, "/reservations/r4/release")
            let summary = try await client.summary()
            #expect(summary.conserved)
            #expect(summary.line("A-1") == StockSummary.Line(sku: "A-1", initial: 10, available: 8, reserved: 0, committed: 2))
            #expect(summary.line("B-2") == StockSummary.Line(sku: "B-2", initial: 5, available: 0, reserved: 4, committed: 1))
            #expect(summary.line("C-3") == StockSummary.Line(sku: "C-3", initial: 0, available: 0, reserved: 0, committed: 0))
        }
        await app.store.shutdown()
    }
}

extension ISO8601DateFormatter {
    /// RFC 3339 with fractional seconds, as the service writes instants.
    static var withFractions: ISO8601DateFormatter {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter
    }
}
