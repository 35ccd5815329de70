import FlotillaHTTP
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import PaymentService

/// Every state-changing call of payment-service takes an `Idempotency-Key`.
@Suite struct PaymentIdempotencyTests {
    static let replayed = HTTPField.Name.idempotentReplayed

    @Test(arguments: Engine.allCases)
    func aRepeatedChargeReplaysTheFirstAnswerAndChargesOnce(engine: Engine) async throws {
        try await withPaymentService(engine) { client in
            let first = try await client.send(.post, "/payments", json: charge("order-1"), key: "charge-1")
            #expect(first.status == .created)
            #expect(first.headers[Self.replayed] == nil)
            let second = try await client.send(.post, "/payments", json: charge("order-1"), key: "charge-1")
            #expect(second.status == .created)
            #expect(second.headers[Self.replayed] == "true")
            #expect(String(buffer: second.body) == String(buffer: first.body))
            #expect(second.headers[.location] == first.headers[.location])
            #expect(try await client.payments(of: "order-1").count == 1)

            let other = try await client.send(.post, "/payments", json: charge("order-1"), key: "charge-2")
            #expect(other.status == .created)
            #expect(try await client.payments(of: "order-1").count == 2)
        }
    }

    /// A saga retrying while its first call is still in flight: one charge, every answer the same.
    @Test(arguments: Engine.allCases)
    func concurrentChargesWithOneKeyChargeOnce(engine: Engine) async throws {
        try await withPaymentService(engine) { client in
            let bodies = try await withThrowingTaskGroup(of: (Int, String).self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        let response = try await client.send(.post, "/payments", json: charge("order-1"), key: "saga-1:charge:action")
                        return (Int(response.status.code), String(buffer: response.body))
                    }
                }
                return try await group.reduce(into: [(Int, String)]()) { $0.append($1) }
            }
            #expect(bodies.allSatisfy { $0.0 == 201 })
            #expect(Set(bodies.map(\.1)).count == 1)
            #expect(try await client.payments(of: "order-1").count == 1)
        }
    }

    @Test(arguments: Engine.allCases)
    func theSameKeyWithAnotherBodyIs422AndChangesNothing(engine: Engine) async throws {
        try await withPaymentService(engine) { client in
            _ = try await client.send(.post, "/payments", json: charge("order-1", amount: 100), key: "charge-1")
            let response = try await client.send(.post, "/payments", json: charge("order-1", amount: 200), key: "charge-1")
            #expect(response.status == .unprocessableContent)
            #expect(response.headers[.contentType] == "application/problem+json")
            #expect(object(response.body)["field"] as? String == "Idempotency-Key")
            let amounts = try await client.payments(of: "order-1").compactMap { ($0["amount"] as? [String: Any])?["amount"] as? Int }
            #expect(amounts == [100])
        }
    }

    @Test(arguments: Engine.allCases)
    func aDeclineIsRecordedOnceAndReplayed(engine: Engine) async throws {
        try await withPaymentService(engine) { client in
            let first = try await client.send(.post, "/payments", json: charge("order-1", card: "4000000000000002"), key: "decline-1")
            #expect(first.status == .init(code: 402))
            let second = try await client.send(.post, "/payments", json: charge("order-1", card: "4000000000000002"), key: "decline-1")
            #expect(second.status == .init(code: 402))
            #expect(second.headers[Self.replayed] == "true")
            #expect(second.headers[.contentType] == "application/problem+json")
            #expect(object(second.body)["paymentId"] as? String == object(first.body)["paymentId"] as? String)
            #expect(object(second.body)["reason"] as? String == "card_declined")
            #expect(try await client.payments(of: "order-1").count == 1)
        }
    }

    @Test func aProcessingErrorRecordsNotEvenTheKey() async throws {
        try await withPaymentService { client in
            for _ in 0..<2 {
                let response = try await client.send(.post, "/payments", json: charge("order-1", card: "4000000000000119"), key: "flaky-1")
                #expect(response.status == .internalServerError)
                #expect(response.headers[Self.replayed] == nil)
            }
            #expect(try await client.payments(of: "order-1").isEmpty)
        }
    }

    @Test func invalidInputIsNotRecordedUnderTheKey() async throws {
        try await withPaymentService { client in
            let bad = try await client.send(.post, "/payments", json: chargeJSON(cvc: #""1""#), key: "fix-me")
            #expect(bad.status == .badRequest)
            let fixed = try await client.send(.post, "/payments", json: chargeJSON(cvc: #""1""#), key: "fix-me")
            #expect(fixed.headers[Self.replayed] == nil)
        }
    }

    @Test(arguments: Engine.allCases)
    func refundsReplayUnderTheirKeys(engine: Engine) async throws {
        try await withPaymentService(engine) { client in
            let id = try await client.capturedPayment("order-1")
            let first = try await client.send(.post, "/payments/\(id)/refund", key: "refund-1")
            let second = try await client.send(.post, "/payments/\(id)/refund", key: "refund-1")
            #expect(first.status == .ok)
            #expect(second.headers[Self.replayed] == "true")
            #expect(String(buffer: second.body) == String(buffer: first.body))
            let byOrder = try await client.send(.post, "/payments/refunds", json: #"{"orderId":"order-1"}"#, key: "refund-order-1")
            let byOrderAgain = try await client.send(.post, "/payments/refunds", json: #"{"orderId":"order-1"}"#, key: "refund-order-1")
            #expect(byOrder.status == .ok)
            #expect(byOrderAgain.headers[Self.replayed] == "true")
            #expect(String(buffer: byOrderAgain.body) == String(buffer: byOrder.body))
        }
    }

    @Test func anOverlongKeyIs400() async throws {
        try await withPaymentService { client in
            let response = try await client.send(.post, "/payments", json: charge("order-1"), key: String(repeating: "k", count: 256))
            #expect(response.status == .badRequest)
            #expect(response.headers[.contentType] == "application/problem+json")
            #expect(try await client.payments(of: "order-1").isEmpty)
        }
    }
}
