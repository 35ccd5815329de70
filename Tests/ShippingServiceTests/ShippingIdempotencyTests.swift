import FlotillaHTTP
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import ShippingService

/// Every state-changing call of shipping-service takes an `Idempotency-Key`.
@Suite struct ShippingIdempotencyTests {
    static let replayed = HTTPField.Name.idempotentReplayed

    @Test(arguments: Engine.allCases)
    func aRepeatedSchedulingReplaysTheFirstAnswerAndSchedulesOnce(engine: Engine) async throws {
        try await withShippingService(engine) { client in
            let first = try await client.send(.post, "/shipments", json: shipment("order-1"), key: "ship-1")
            #expect(first.status == .created)
            let second = try await client.send(.post, "/shipments", json: shipment("order-1"), key: "ship-1")
            #expect(second.status == .created)
            #expect(second.headers[Self.replayed] == "true")
            #expect(String(buffer: second.body) == String(buffer: first.body))
            #expect(try await client.shipments(of: "order-1").count == 1)
        }
    }

    @Test(arguments: Engine.allCases)
    func theSameKeyWithAnotherBodyIs422AndChangesNothing(engine: Engine) async throws {
        try await withShippingService(engine) { client in
            _ = try await client.send(.post, "/shipments", json: shipment("order-1", country: "DE"), key: "ship-1")
            let response = try await client.send(.post, "/shipments", json: shipment("order-1", country: "FR"), key: "ship-1")
            #expect(response.status == .unprocessableContent)
            #expect(object(response.body)["field"] as? String == "Idempotency-Key")
            #expect(try await client.shipments(of: "order-1").count == 1)
        }
    }

    @Test(arguments: Engine.allCases)
    func aRefusalIsReplayedAndRecordsNoShipment(engine: Engine) async throws {
        try await withShippingService(engine) { client in
            let first = try await client.send(.post, "/shipments", json: shipment("order-1", country: "XX"), key: "ship-x")
            let second = try await client.send(.post, "/shipments", json: shipment("order-1", country: "XX"), key: "ship-x")
            #expect(first.status == .unprocessableContent)
            #expect(second.status == .unprocessableContent)
            #expect(second.headers[Self.replayed] == "true")
            #expect(object(second.body)["reason"] as? String == "unsupported_destination")
            #expect(try await client.shipments(of: "order-1").isEmpty)
        }
    }

    @Test(arguments: Engine.allCases)
    func cancellationsReplayUnderTheirKeys(engine: Engine) async throws {
        try await withShippingService(engine) { client in
            let id = try await client.scheduledShipment("order-1")
            let first = try await client.send(.post, "/shipments/\(id)/cancel", key: "cancel-1")
            let second = try await client.send(.post, "/shipments/\(id)/cancel", key: "cancel-1")
            #expect(first.status == .ok)
            #expect(second.headers[Self.replayed] == "true")
            #expect(String(buffer: second.body) == String(buffer: first.body))
            let byOrder = try await client.send(.post, "/shipments/cancellations", json: #"{"orderId":"order-1"}"#, key: "cancel-order-1")
            let byOrderAgain = try await client.send(.post, "/shipments/cancellations", json: #"{"orderId":"order-1"}"#, key: "cancel-order-1")
            #expect(byOrderAgain.headers[Self.replayed] == "true")
            #expect(String(buffer: byOrderAgain.body) == String(buffer: byOrder.body))
        }
    }

    @Test func anEmptyOrOverlongKeyIs400() async throws {
        try await withShippingService { client in
            for key in ["", String(repeating: "k", count: 256)] {
                let response = try await client.send(.post, "/shipments", json: shipment("order-1"), key: key)
                #expect(response.status == .badRequest, "key of \(key.count)")
            }
            #expect(try await client.shipments(of: "order-1").isEmpty)
        }
    }
}
