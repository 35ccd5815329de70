import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import ShippingService

@Suite struct ScheduleTests {
    @Test(arguments: Engine.allCases)
    func aShipmentIsScheduledWithATrackingId(engine: Engine) async throws {
        try await withShippingService(engine) { client in
            let response = try await client.send(.post, "/shipments", json: shipmentJSON())
            #expect(response.status == .created, "\(String(buffer: response.body))")
            let shipment = object(response.body)
            #expect(Set(shipment.keys) == ["id", "orderId", "status", "trackingId", "createdAt"])
            #expect(shipment["orderId"] as? String == "order-1")
            #expect(shipment["status"] as? String == "scheduled")
            let tracking = try #require(shipment["trackingId"] as? String)
            #expect(tracking.wholeMatch(of: /FLT[A-Z0-9]{12}/) != nil)
            let id = try #require(shipment["id"] as? String)
            #expect(response.headers[.location] == "/shipments/\(id)")
            let shown = try await client.send(.get, "/shipments/\(id)")
            #expect(NSDictionary(dictionary: object(shown.body)).isEqual(to: shipment))
            let listed = try await client.shipments(of: "order-1")
            #expect(listed.count == 1)
            #expect(listed.first.map { NSDictionary(dictionary: $0).isEqual(to: shipment) } == true)
        }
    }

    @Test func trackingIdsDiffer() async throws {
        try await withShippingService { client in
            var tracking: Set<String> = []
            for index in 0..<20 {
                let response = try await client.send(.post, "/shipments", json: shipment("order-\(index)"))
                tracking.insert(object(response.body)["trackingId"] as? String ?? "")
            }
            #expect(tracking.count == 20)
        }
    }

    @Test(arguments: Engine.allCases)
    func theTestOnlyDestinationIsRefusedWith422AndRecordsNothing(engine: Engine) async throws {
        try await withShippingService(engine) { client in
            let response = try await client.send(.post, "/shipments", json: shipment("order-x", country: "XX"))
            #expect(response.status == .unprocessableContent)
            #expect(response.headers[.contentType] == "application/problem+json")
            let problem = object(response.body)
            #expect(problem["reason"] as? String == "unsupported_destination")
            #expect(problem["field"] as? String == "address.country")
            #expect(try await client.shipments(of: "order-x").isEmpty)
        }
    }

    @Test(arguments: [
        (shipmentJSON(orderId: nil), "orderId"),
        (shipmentJSON(orderId: #""""#), "orderId"),
        (shipmentJSON(orderId: #""a b""#), "orderId"),
        (shipmentJSON(name: nil), "address.name"),
        (shipmentJSON(name: #""   ""#), "address.name"),
        (shipmentJSON(name: "\"\(String(repeating: "n", count: 201))\""), "address.name"),
        (shipmentJSON(line1: nil), "address.line1"),
        (shipmentJSON(line1: #""""#), "address.line1"),
        (shipmentJSON(line1: #""a\u0007b""#), "address.line1"),
        (shipmentJSON(city: nil), "address.city"),
        (shipmentJSON(city: "42"), "address.city"),
        (shipmentJSON(postalCode: nil), "address.postalCode"),
        (shipmentJSON(postalCode: #""SW1#""#), "address.postalCode"),
        (shipmentJSON(postalCode: #""12345678901234567""#), "address.postalCode"),
        (shipmentJSON(country: nil), "address.country"),
        (shipmentJSON(country: #""gb""#), "address.country"),
        (shipmentJSON(country: #""GBR""#), "address.country"),
        (shipmentJSON(country: #""ZZ""#), "address.country"),
        (shipmentJSON(country: "null"), "address.country"),
        (shipmentJSON(items: nil), "items"),
        (shipmentJSON(items: "[]"), "items"),
        (shipmentJSON(items: #"{"sku":"A","quantity":1}"#), "items"),
        (shipmentJSON(items: #"[{"sku":"","quantity":1}]"#), "items[0].sku"),
        (shipmentJSON(items: #"[{"sku":"A","quantity":1},{"sku":"B","quantity":0}]"#), "items[1].quantity"),
        (shipmentJSON(items: #"[{"sku":"A","quantity":"1"}]"#), "items[0].quantity"),
        (shipmentJSON(items: #"[{"sku":"A","quantity":1.5}]"#), "items[0].quantity"),
        (shipmentJSON(items: #"[{"quantity":1}]"#), "items[0].sku"),
        (shipmentJSON(items: "[" + Array(repeating: #"{"sku":"A","quantity":1}"#, count: 101).joined(separator: ",") + "]"), "items"),
        (#"{"orderId":"order-1","items":[{"sku":"A","quantity":1}]}"#, "address"),
    ])
    func invalidShipmentsAre400NamingTheFieldAndRecordNothing(body: String, field: String) async throws {
        try await withShippingService { client in
            let response = try await client.send(.post, "/shipments", json: body)
            #expect(response.status == .badRequest, "\(String(buffer: response.body))")
            #expect(response.headers[.contentType] == "application/problem+json")
            #expect(object(response.body)["field"] as? String == field)
            #expect(try await client.shipments(of: "order-1").isEmpty)
        }
    }

    @Test func malformedBodiesAre4xxProblems() async throws {
        try await withShippingService { client in
            let cases: [(String?, String, HTTPResponse.Status)] = [
                (#"{"orderId":"order-1","address":{"#, "application/json", .badRequest),
                ("\"just a string\"", "application/json", .badRequest),
                ("", "application/json", .badRequest),
                (nil, "application/json", .badRequest),
                (shipmentJSON(), "application/xml", .unsupportedMediaType),
                ("{\"orderId\":\"" + String(repeating: "x", count: defaultBodyLimit) + "\"}", "application/json", .contentTooLarge),
            ]
            for (body, contentType, status) in cases {
                let response = try await client.send(.post, "/shipments", json: body, contentType: contentType)
                #expect(response.status == status, "\(body?.prefix(40) ?? "no body") → \(response.status)")
                #expect(response.headers[.contentType] == "application/problem+json")
            }
            #expect(try await client.shipments(of: "order-1").isEmpty)
        }
    }

    @Test func listingNeedsAnOrderIdAndUnknownShipmentsAre404() async throws {
        try await withShippingService { client in
            let missing = try await client.send(.get, "/shipments")
            #expect(missing.status == .badRequest)
            #expect(object(missing.body)["field"] as? String == "orderId")
            let empty = try await client.send(.get, "/shipments?orderId=nobody")
            #expect(String(buffer: empty.body) == #"{"items":[]}"#)
            let unknown = try await client.send(.get, "/shipments/no-such-id")
            #expect(unknown.status == .notFound)
            #expect(unknown.headers[.contentType] == "application/problem+json")
        }
    }

    @Test func everyAssignedCountryCodeIsAcceptedAndTheListIsComplete() {
        #expect(CountryCodes.assigned.count == 249)
        #expect(CountryCodes.assigned.isSuperset(of: ["DE", "GB", "US", "FR", "JP", "BR", "ZA"]))
        #expect(!CountryCodes.assigned.contains(Destinations.refusedCountry))
        #expect(CountryCodes.assigned.allSatisfy { $0.wholeMatch(of: /[A-Z]{2}/) != nil })
    }
}
