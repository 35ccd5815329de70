import FlotillaTesting
import Foundation
import Synchronization
import Testing

/// 200+ concurrent orders with a mix of cards while order-service is SIGKILLed at random moments and
/// restarted. Afterwards every order has ended, stock is conserved, every captured payment belongs to
/// a confirmed order (or was refunded), and no order was charged twice.
@Suite(.serialized) struct OrderChaosTests {
    /// What a client asked for.
    struct Placed: Sendable {
        var id: String
        var items: [(String, Int)]
        /// How many times the client had to send it again (order-service was down or restarting).
        var retries: Int
    }

    static let cards = [
        "4242424242424242", "4242424242424242", "4242424242424242", "4242424242424242", "4242424242424242",
        "4000000000000002", "4000000000009995", "5555555555554444",
    ]

    @Test(arguments: OrderSystem.Engine.allCases)
    func ordersSurviveOrderServiceCrashes(engine: OrderSystem.Engine) async throws {
        let system = try await OrderSystem.start(engine: engine, sagaDeadline: "30s")
        defer { system.stop() }
        let token = try await system.token()
        let skus = try await system.products().filter { $0.stock > 0 }.prefix(6).map(\.sku)
        try #require(skus.count >= 3)
        let orderCount = 210
        let clients = 15

        let progress = Counter()
        let placed = try await withThrowingTaskGroup(of: [Placed].self) { group in
            // The clients: each places its share, retrying with the same key while order-service is down.
            for client in 0..<clients {
                group.addTask {
                    var mine: [Placed] = []
                    var generator = SystemRandomNumberGenerator()
                    for index in stride(from: client, to: orderCount, by: clients) {
                        let items = [(skus[index % skus.count], Int.random(in: 1...3, using: &generator))]
                        let card = Self.cards[index % Self.cards.count]
                        let country = index % 17 == 0 ? "XX" : "DE"
                        let (id, retries) = try await Self.place(system, token: token, items: items, card: card, country: country)
                        mine.append(Placed(id: id, items: items, retries: retries))
                        progress.value.add(1, ordering: .relaxed)
                    }
                    return mine
                }
            }
            // The chaos: three SIGKILLs at random moments while orders are being placed (somewhere in the
            // first, second and third quarter of them), each followed by a restart.
            group.addTask {
                for quarter in 0..<3 {
                    let threshold = orderCount * quarter / 4 + Int.random(in: 5...(orderCount / 4))
                    while progress.value.load(ordering: .relaxed) < threshold {
                        try await Task.sleep(for: .milliseconds(5))
                    }
                    try await system.killOrderService()
                    try await Task.sleep(for: .milliseconds(Int.random(in: 50...300)))
                    try await system.restartOrderService()
                }
                return []
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(placed.count == orderCount)
        #expect(Set(placed.map(\.id)).count == orderCount, "each order placed once")

        var committedBySku: [String: Int] = [:]
        var confirmedCount = 0
        for order in placed {
            let ended = try await system.waitUntilEnded(order.id, token: token, timeout: .seconds(90))
            let status = ended["status"] as? String
            #expect(status == "confirmed" || status == "cancelled", "\(order.id): \(String(describing: status))")
            let payments = try await system.payments(orderID: order.id)
            let captured = payments.filter { $0["status"] as? String == "captured" }.count
            let refunded = payments.filter { $0["status"] as? String == "refunded" }.count
            #expect(captured + refunded <= 1, "order \(order.id) was charged \(captured + refunded) times")
            if status == "confirmed" {
                confirmedCount += 1
                #expect(captured == 1, "confirmed order \(order.id) has \(captured) captured payments")
                for (sku, quantity) in order.items { committedBySku[sku, default: 0] += quantity }
            } else {
                #expect(captured == 0, "cancelled order \(order.id) kept a captured payment")
            }
        }
        #expect(confirmedCount > 0)
        // The kills landed while orders were being placed (otherwise this test proves nothing).
        let retried = placed.filter { $0.retries > 0 }.count
        #expect(retried > 0, "no client ever saw order-service down")
        print("chaos (\(engine)): \(confirmedCount) confirmed, \(orderCount - confirmedCount) cancelled, \(retried) orders re-sent after a crash")

        let stock = try await system.stock()
        for (sku, line) in stock {
            #expect(line.initial == line.available + line.reserved + line.committed, "\(sku) is not conserved")
            #expect(line.reserved == 0, "\(sku) still has \(line.reserved) reserved")
            #expect(line.committed == committedBySku[sku, default: 0], "\(sku): committed \(line.committed)")
        }
    }

    /// Places an order, retrying with the same Idempotency-Key until order-service accepts it.
    static func place(
        _ system: OrderSystem,
        token: String,
        items: [(String, Int)],
        card: String,
        country: String
    ) async throws -> (id: String, retries: Int) {
        let key = UUID().uuidString
        let deadline = ContinuousClock.now + .seconds(120)
        var retries = 0
        while ContinuousClock.now < deadline {
            if let reply = try? await system.placeOrder(token: token, items: items, card: card, country: country, key: key, timeout: 10),
                reply.status == 202 || reply.status == 200, let id = reply.json?["id"] as? String
            {
                return (id, retries)
            }
            retries += 1
            try await Task.sleep(for: .milliseconds(100))
        }
        throw FixtureError("order-service never accepted the order with key \(key)")
    }
}

/// How many orders the clients have placed so far (the chaos task waits on it).
final class Counter: Sendable {
    let value = Atomic<Int>(0)
}
