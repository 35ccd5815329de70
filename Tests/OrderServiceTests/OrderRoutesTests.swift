import FlotillaCore
import FlotillaDiscovery
import FlotillaHTTP
import FlotillaTesting
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import Yams

@testable import OrderService

@Suite struct OrderRoutesTests {
    func makeOrderService() async throws -> OrderServiceApp {
        let folder = try Command.temporaryDirectory(prefix: "order-service")
        let configuration = ServiceConfiguration(
            serviceName: "order-service",
            port: 0,
            database: .sqlite(path: folder.appendingPathComponent("orders.sqlite").path)
        )
        // No peer is reachable: every route must still answer with a problem, never crash.
        let resolver = try StaticResolver(urls: ["user-service": ["http://127.0.0.1:1"], "inventory-service": ["http://127.0.0.1:1"]])
        let app = try OrderServiceApp(configuration: configuration, resolver: resolver)
        try await app.kit.startUp()
        return app
    }

    @Test func theDocumentAndTheRoutesMatch() async throws {
        let app = try await makeOrderService()
        let document = try #require(try Yams.load(yaml: OrderServiceApp.openAPIDocument) as? [String: Any])
        let paths = try #require(document["paths"] as? [String: Any])
        var documented: Set<RouteDescription> = []
        for (path, item) in paths {
            for method in (item as? [String: Any] ?? [:]).keys where ["get", "put", "post", "delete", "patch"].contains(method) {
                documented.insert(RouteDescription(method: method.uppercased(), path: path))
            }
        }
        let served = Set(app.kit.routes.routes)
        #expect(served.subtracting(documented).sorted() == [], "served but not documented")
        #expect(documented.subtracting(served).sorted() == [], "documented but not served")
        try await app.kit.makeApplication().test(.router) { client in
            let response = try await client.execute(uri: "/openapi.yaml", method: .get)
            #expect(String(buffer: response.body) == OrderServiceApp.openAPIDocument)
        }
        await app.store.shutdown()
    }

    @Test func withoutATokenEveryOrderRouteIs401() async throws {
        let app = try await makeOrderService()
        try await app.kit.makeApplication().test(.router) { client in
            for (method, uri) in [(HTTPRequest.Method.post, "/orders"), (.get, "/orders"), (.get, "/orders/x")] {
                let response = try await client.execute(
                    uri: uri,
                    method: method,
                    headers: [.contentType: "application/json"],
                    body: ByteBuffer(string: "{}")
                )
                #expect(response.status == .unauthorized || response.status == .serviceUnavailable, "\(method) \(uri)")
                #expect(response.headers[.contentType] == ProblemDetails.mediaType)
            }
        }
        await app.store.shutdown()
    }

    @Test func preferWaitIsParsedAndCapped() {
        func request(prefer: String?) -> Request {
            var head = HTTPRequest(method: .post, scheme: "http", authority: "x", path: "/orders")
            if let prefer { head.headerFields[.prefer] = prefer }
            return Request(head: head, body: .init(buffer: ByteBuffer()))
        }
        #expect(OrderRoutes.requestedWait(request(prefer: nil), maximum: .seconds(30)) == nil)
        #expect(OrderRoutes.requestedWait(request(prefer: "respond-async, wait=5"), maximum: .seconds(30)) == .seconds(5))
        #expect(OrderRoutes.requestedWait(request(prefer: "wait=600"), maximum: .seconds(30)) == .seconds(30))
        #expect(OrderRoutes.requestedWait(request(prefer: "wait=soon"), maximum: .seconds(30)) == nil)
    }

    @Test func cursorsRoundTripAndRejectForeignText() {
        let cursor = OrderCursor(createdAt: "2026-11-27T18:00:00.000Z", id: "abc")
        #expect(OrderCursor(token: cursor.token) == cursor)
        #expect(OrderCursor(token: "!!!") == nil)
    }
}
