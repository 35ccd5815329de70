import FlotillaHTTP
import Foundation
import HummingbirdTesting
import Testing
import Yams

@testable import InventoryService

@Suite struct OpenAPIDocumentTests {
    /// Every route the service serves is in its OpenAPI document, and every operation in the document is served.
    @Test func theDocumentAndTheRoutesMatch() async throws {
        let app = try await makeInventoryService(try Engine.sqlite.freshDatabase())
        let document = try #require(try Yams.load(yaml: InventoryServiceApp.openAPIDocument) as? [String: Any])
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
        await app.store.shutdown()
    }

    @Test func theDocumentIsServed() async throws {
        let app = try await makeInventoryService(try Engine.sqlite.freshDatabase())
        try await app.kit.makeApplication().test(.router) { client in
            let response = try await client.send(.get, "/openapi.yaml")
            #expect(response.status == .ok)
            #expect(String(buffer: response.body) == InventoryServiceApp.openAPIDocument)
            #expect(InventoryServiceApp.openAPIDocument.hasPrefix("openapi: 3.1.0"))
        }
        await app.store.shutdown()
    }

    @Test func healthAndMetricsAnswer() async throws {
        let app = try await makeInventoryService(try Engine.sqlite.freshDatabase())
        try await app.kit.makeApplication().test(.router) { client in
            #expect(try await client.send(.get, "/health/live").status == .ok)
            let ready = try await client.send(.get, "/health/ready")
            #expect(ready.status == .ok)
            #expect(object(ready.body)["ready"] as? Bool == true)
            #expect(try await client.send(.get, "/metrics").status == .ok)
            let missing = try await client.send(.get, "/nowhere")
            #expect(missing.status == .notFound)
            #expect(missing.headers[.contentType] == "application/problem+json")
        }
        await app.store.shutdown()
    }
}
