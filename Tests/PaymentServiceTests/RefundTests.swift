import Foundation
import HummingbirdTesting
import Testing

@testable import PaymentService

@Suite struct RefundTests {
    @Test(arguments: Engine.allCases)
    func aCapturedPaymentIsRefundedOnceAndARepeatAnswersTheSame(engine: Engine) async throws {
        try await withPaymentService(engine) { client in
            let id = try await client.capturedPayment("order-1")
            let first = try await client.send(.post, "/payments/\(id)/refund")
            #expect(first.status == .ok)
            let refunded = object(first.body)
            #expect(refunded["status"] as? String == "refunded")
            #expect(refunded["id"] as? String == id)
            #expect(refunded["refundedAt"] is String)
            let second = try await client.send(.post, "/payments/\(id)/refund")
            #expect(second.status == .ok)
            #expect(NSDictionary(dictionary: object(second.body)).isEqual(to: refunded))
            let shown = object(try await client.send(.get, "/payments/\(id)").body)
            #expect(shown["status"] as? String == "refunded")
        }
    }

    @Test func aDeclinedPaymentCannotBeRefundedAndAnUnknownOneIs404() async throws {
        try await withPaymentService { client in
            let declined = try await client.send(.post, "/payments", json: charge("order-1", card: "4000000000000002"))
            let id = try #require(object(declined.body)["paymentId"] as? String)
            let refund = try await client.send(.post, "/payments/\(id)/refund")
            #expect(refund.status == .conflict)
            #expect(refund.headers[.contentType] == "application/problem+json")
            #expect(object(try await client.send(.get, "/payments/\(id)").body)["status"] as? String == "declined")
            let unknown = try await client.send(.post, "/payments/nothing-here/refund")
            #expect(unknown.status == .notFound)
        }
    }

    @Test(arguments: Engine.allCases)
    func refundingByOrderRefundsEveryCapturedPaymentOfThatOrderOnly(engine: Engine) async throws {
        try await withPaymentService(engine) { client in
            let first = try await client.capturedPayment("order-a", amount: 100)
            let second = try await client.capturedPayment("order-a", card: "5555555555554444", amount: 200)
            _ = try await client.send(.post, "/payments", json: charge("order-a", card: "4000000000009995"))
            let other = try await client.capturedPayment("order-b")

            let response = try await client.send(.post, "/payments/refunds", json: #"{"orderId":"order-a"}"#)
            #expect(response.status == .ok)
            let items = object(response.body)["items"] as? [[String: Any]] ?? []
            #expect(Set(items.compactMap { $0["id"] as? String }) == [first, second])
            #expect(items.allSatisfy { $0["status"] as? String == "refunded" })

            let again = try await client.send(.post, "/payments/refunds", json: #"{"orderId":"order-a"}"#)
            #expect(again.status == .ok)
            #expect(String(buffer: again.body) == String(buffer: response.body))

            let statuses = try await client.payments(of: "order-a").compactMap { $0["status"] as? String }
            #expect(statuses.sorted() == ["declined", "refunded", "refunded"])
            #expect(try await client.payments(of: "order-b").first?["id"] as? String == other)
            #expect(try await client.payments(of: "order-b").first?["status"] as? String == "captured")

            let none = try await client.send(.post, "/payments/refunds", json: #"{"orderId":"order-none"}"#)
            #expect(none.status == .ok)
            #expect(String(buffer: none.body) == #"{"items":[]}"#)
        }
    }

    @Test(arguments: [#"{}"#, #"{"orderId":""}"#, #"{"orderId":7}"#, #"{"orderId":"#])
    func refundingByOrderNeedsAnOrderId(body: String) async throws {
        try await withPaymentService { client in
            let response = try await client.send(.post, "/payments/refunds", json: body)
            #expect(response.status == .badRequest)
            #expect(response.headers[.contentType] == "application/problem+json")
        }
    }

    @Test func concurrentRefundsOfOnePaymentAllAnswerRefunded() async throws {
        try await withPaymentService { client in
            let id = try await client.capturedPayment("order-1")
            try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<8 { group.addTask { Int(try await client.send(.post, "/payments/\(id)/refund").status.code) } }
                for try await status in group { #expect(status == 200) }
            }
            #expect(try await client.payments(of: "order-1").map { $0["status"] as? String } == ["refunded"])
        }
    }
}
