import Foundation
import HummingbirdTesting
import Testing

@testable import ShippingService

@Suite struct CancelTests {
    @Test(arguments: Engine.allCases)
    func aShipmentIsCancelledOnceAndARepeatAnswersTheSame(engine: Engine) async throws {
        try await withShippingService(engine) { client in
            let id = try await client.scheduledShipment("order-1")
            let first = try await client.send(.post, "/shipments/\(id)/cancel")
            #expect(first.status == .ok)
            let cancelled = object(first.body)
            #expect(cancelled["status"] as? String == "cancelled")
            #expect(cancelled["cancelledAt"] is String)
            let second = try await client.send(.post, "/shipments/\(id)/cancel")
            #expect(second.status == .ok)
            #expect(NSDictionary(dictionary: object(second.body)).isEqual(to: cancelled))
            #expect(try await client.shipments(of: "order-1").first?["status"] as? String == "cancelled")
        }
    }

    @Test func cancellingAnUnknownShipmentIs404() async throws {
        try await withShippingService { client in
            let response = try await client.send(.post, "/shipments/no-such-id/cancel")
            #expect(response.status == .notFound)
            #expect(response.headers[.contentType] == "application/problem+json")
        }
    }

    @Test(arguments: Engine.allCases)
    func cancellingByOrderCancelsEveryScheduledShipmentOfThatOrderOnly(engine: Engine) async throws {
        try await withShippingService(engine) { client in
            let first = try await client.scheduledShipment("order-a")
            let second = try await client.scheduledShipment("order-a")
            let other = try await client.scheduledShipment("order-b")

            let response = try await client.send(.post, "/shipments/cancellations", json: #"{"orderId":"order-a"}"#)
            #expect(response.status == .ok)
            let items = object(response.body)["items"] as? [[String: Any]] ?? []
            #expect(Set(items.compactMap { $0["id"] as? String }) == [first, second])
            #expect(items.allSatisfy { $0["status"] as? String == "cancelled" })

            let again = try await client.send(.post, "/shipments/cancellations", json: #"{"orderId":"order-a"}"#)
            #expect(String(buffer: again.body) == String(buffer: response.body))
            let remaining = try await client.shipments(of: "order-b")
            #expect(remaining.first?["id"] as? String == other)
            #expect(remaining.first?["status"] as? String == "scheduled")

            let none = try await client.send(.post, "/shipments/cancellations", json: #"{"orderId":"order-none"}"#)
            #expect(none.status == .ok)
            #expect(String(buffer: none.body) == #"{"items":[]}"#)
        }
    }

    @Test(arguments: [#"{}"#, #"{"orderId":""}"#, #"{"orderId":["a"]}"#, "not json"])
    func cancellingByOrderNeedsAnOrderId(body: String) async throws {
        try await withShippingService { client in
            let response = try await client.send(.post, "/shipments/cancellations", json: body)
            #expect(response.status == .badRequest)
            #expect(response.headers[.contentType] == "application/problem+json")
        }
    }
}
