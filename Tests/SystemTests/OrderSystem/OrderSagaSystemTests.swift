import FlotillaTesting
import Foundation
import Testing

/// The place-order saga across five real processes: the happy path and each way it compensates.
@Suite(.serialized) struct OrderSagaSystemTests {
    @Test(arguments: OrderSystem.Engine.allCases)
    func ordersConfirmOrCompensateAcrossTheServices(engine: OrderSystem.Engine) async throws {
        let system = try await OrderSystem.start(engine: engine)
        defer { system.stop() }
        let token = try await system.token()
        let products = try await system.products().filter { $0.stock >= 5 }
        try #require(products.count >= 2, "the catalogue needs two products in stock")
        let (a, b) = (products[0].sku, products[1].sku)
        let before = try await system.stock()

        // Happy path: confirmed, every step succeeded, stock committed, one capture, one shipment.
        let key = UUID().uuidString
        let placed = try await system.placeOrder(token: token, items: [(a, 2)], key: key, wait: 15)
        #expect(placed.status == 200, "\(placed.text)")
        let confirmed = try #require(placed.json)
        let id = try #require(confirmed["id"] as? String)
        #expect(confirmed["status"] as? String == "confirmed")
        let steps = confirmed["steps"] as? [[String: Any]] ?? []
        #expect(steps.map { $0["name"] as? String } == ["reserve-stock", "charge-card", "schedule-shipment", "commit-stock"])
        #expect(steps.allSatisfy { $0["status"] as? String == "succeeded" && ($0["attempts"] as? Int ?? 0) >= 1 })
        #expect(try await system.payments(orderID: id).map { $0["status"] as? String } == ["captured"])
        #expect(try await system.shipments(orderID: id).map { $0["status"] as? String } == ["scheduled"])
        var stock = try await system.stock()
        #expect(stock[a]?.committed == (before[a]?.committed ?? 0) + 2)
        #expect(stock[a]?.available == (before[a]?.available ?? 0) - 2)

        // The same Idempotency-Key again: the same order, nothing placed twice.
        let repeated = try await system.placeOrder(token: token, items: [(a, 2)], key: key, wait: 15)
        #expect(repeated.json?["id"] as? String == id)
        #expect(repeated.headers["idempotent-replayed"] == "true")
        #expect(try await system.stock()[a]?.committed == stock[a]?.committed)

        // A declined card: cancelled, the stock back, no shipment.
        let declined = try #require(try await system.placeOrder(token: token, items: [(b, 1)], card: "4000000000000002", wait: 15).json)
        let declinedID = try #require(declined["id"] as? String)
        #expect(declined["status"] as? String == "cancelled")
        #expect((declined["reason"] as? String ?? "").contains("declined"), "\(declined)")
        #expect(try await system.payments(orderID: declinedID).allSatisfy { $0["status"] as? String == "declined" })
        #expect(try await system.shipments(orderID: declinedID).isEmpty)
        stock = try await system.stock()
        #expect(stock[b]?.available == before[b]?.available)
        #expect(stock[b]?.reserved == before[b]?.reserved)

        // Out of stock: cancelled, nothing charged.
        let tooMany = (before[b]?.available ?? 0) + 1
        let short = try #require(try await system.placeOrder(token: token, items: [(b, tooMany)], wait: 15).json)
        let shortID = try #require(short["id"] as? String)
        #expect(short["status"] as? String == "cancelled")
        #expect((short["reason"] as? String ?? "").contains("out of stock"), "\(short)")
        #expect(try await system.payments(orderID: shortID).isEmpty)

        // Shipping refuses the destination: the payment is refunded and the stock released.
        let unshippable = try #require(try await system.placeOrder(token: token, items: [(b, 1)], country: "XX", wait: 15).json)
        let unshippableID = try #require(unshippable["id"] as? String)
        #expect(unshippable["status"] as? String == "cancelled")
        #expect(try await system.payments(orderID: unshippableID).map { $0["status"] as? String } == ["refunded"])
        #expect(try await system.shipments(orderID: unshippableID).allSatisfy { $0["status"] as? String != "scheduled" })
        let unshippableSteps = unshippable["steps"] as? [[String: Any]] ?? []
        #expect(unshippableSteps.first { $0["name"] as? String == "charge-card" }?["status"] as? String == "compensated")
        #expect(unshippableSteps.first { $0["name"] as? String == "reserve-stock" }?["status"] as? String == "compensated")
        stock = try await system.stock()
        #expect(stock[b]?.available == before[b]?.available)

        // Stock is conserved on every product.
        for (sku, line) in stock {
            #expect(line.initial == line.available + line.reserved + line.committed, "\(sku)")
        }
    }
}
