import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import InventoryService

@Suite struct BadInputTests {
    @Test(arguments: [
        (#"{"items":[{"sku":"A-1","quantity":1}]}"#, "reservationId"),
        (#"{"reservationId":"r1"}"#, "items"),
        (#"{"reservationId":"r1","items":[]}"#, "items"),
        (#"{"reservationId":"r1","items":[{"quantity":1}]}"#, "items[0].sku"),
        (#"{"reservationId":"r1","items":[{"sku":"A-1"}]}"#, "items[0].quantity"),
        (#"{"reservationId":"r1","items":[{"sku":"A-1","quantity":0}]}"#, "items[0].quantity"),
        (#"{"reservationId":"r1","items":[{"sku":"A-1","quantity":-3}]}"#, "items[0].quantity"),
        (#"{"reservationId":"r1","items":[{"sku":"A-1","quantity":1.5}]}"#, "items[0].quantity"),
        (#"{"reservationId":"r1","items":[{"sku":"A-1","quantity":"2"}]}"#, "items[0].quantity"),
        (#"{"reservationId":"r1","items":[{"sku":"A-1","quantity":1e30}]}"#, "items[0].quantity"),
        (#"{"reservationId":"r1","items":[{"sku":"A-1","quantity":1000001}]}"#, "items[0].quantity"),
        (#"{"reservationId":"r1","items":[{"sku":"A-1","quantity":600000},{"sku":"A-1","quantity":600000}]}"#, "items[1].quantity"),
        (#"{"reservationId":"r1","items":[{"sku":"a b","quantity":1}]}"#, "items[0].sku"),
        (#"{"reservationId":"r1","items":[{"sku":7,"quantity":1}]}"#, "items[0].sku"),
        (#"{"reservationId":"r1","items":{"sku":"A-1"}}"#, "items"),
        (#"{"reservationId":42,"items":[{"sku":"A-1","quantity":1}]}"#, "reservationId"),
        (#"{"reservationId":"has/slash","items":[{"sku":"A-1","quantity":1}]}"#, "reservationId"),
        (#"{"reservationId":"","items":[{"sku":"A-1","quantity":1}]}"#, "reservationId"),
        (#"{"reservationId":"\#(String(repeating: "x", count: 129))","items":[{"sku":"A-1","quantity":1}]}"#, "reservationId"),
        (
            #"{"reservationId":"r1","items":[\#(Array(repeating: #"{"sku":"A-1","quantity":1}"#, count: 101).joined(separator: ","))]}"#,
            "items"
        ),
    ])
    func invalidReservationsAre400NamingTheField(body: String, field: String) async throws {
        let app = try await makeInventoryService(try Engine.sqlite.freshDatabase())
        try await app.kit.makeApplication().test(.router) { client in
            let response = try await client.send(.post, "/reservations", json: body)
            #expect(response.status == .badRequest, "\(String(buffer: response.body))")
            #expect(response.headers[.contentType] == "application/problem+json")
            #expect(object(response.body)["field"] as? String == field, "\(String(buffer: response.body))")
            #expect(try await client.stock("A-1") == 10)
        }
        await app.store.shutdown()
    }

    @Test func malformedEmptyAndNonObjectBodiesAre400() async throws {
        let app = try await makeInventoryService(try Engine.sqlite.freshDatabase())
        try await app.kit.makeApplication().test(.router) { client in
            for body in [#"{"reservationId":"r1","items":[{"sku":"A-1","quantity":1}"#, "", "[]", "null", "not json"] {
                let response = try await client.send(.post, "/reservations", json: body)
                #expect(response.status == .badRequest, "\(body)")
                #expect(response.headers[.contentType] == "application/problem+json")
            }
            let malformed = try await client.send(.post, "/reservations", json: "{\n\"reservationId\": \"r1\",,\n}")
            #expect((object(malformed.body)["detail"] as? String)?.contains("line 2") == true)
        }
        await app.store.shutdown()
    }

    @Test func anOversizeBodyIs413AndAnotherMediaTypeIs415() async throws {
        let app = try await makeInventoryService(try Engine.sqlite.freshDatabase())
        try await app.kit.makeApplication().test(.router) { client in
            let huge = #"{"reservationId":"r1","items":[],"pad":""# + String(repeating: "x", count: 2 << 20) + #""}"#
            let oversize = try await client.send(.post, "/reservations", json: huge)
            #expect(oversize.status == .contentTooLarge)
            #expect(oversize.headers[.contentType] == "application/problem+json")
            let text = try await client.send(
                .post,
                "/reservations",
                json: #"{"reservationId":"r1","items":[{"sku":"A-1","quantity":1}]}"#,
                headers: [.contentType: "text/plain"]
            )
            #expect(text.status == .unsupportedMediaType)
            #expect(try await client.stock("A-1") == 10)
        }
        await app.store.shutdown()
    }

    @Test func aBadReservationIdInThePathIs400() async throws {
        let app = try await makeInventoryService(try Engine.sqlite.freshDatabase())
        try await app.kit.makeApplication().test(.router) { client in
            let long = String(repeating: "x", count: 129)
            let requests: [(HTTPRequest.Method, String)] = [
                (.get, "/reservations/\(long)"), (.post, "/reservations/\(long)/release"), (.post, "/reservations/a%20b/commit"),
            ]
            for (method, uri) in requests {
                let response = try await client.send(method, uri)
                #expect(response.status == .badRequest, "\(uri)")
                #expect(object(response.body)["field"] as? String == "id")
            }
        }
        await app.store.shutdown()
    }
}
