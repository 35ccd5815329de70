import FlotillaHTTP
import Foundation
import HummingbirdTesting
import Testing
import Yams

@testable import ShippingService

@Suite struct OpenAPIDocumentTests {
    /// Every route the service serves is in its OpenAPI document, and every operation in the document is served.
    @Test func theDocumentAndTheRoutesMatch() async throws {
        let app = try await makeShippingService(try Engine.sqlite.freshDatabase())
        let document = try #require(try Yams.load(yaml: ShippingServiceApp.openAPIDocument) as? [String: Any])
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

    @Test func theDocumentIsServedAndNamesTheTestSwitch() async throws {
        try await withShippingService { client in
            let response = try await client.send(.get, "/openapi.yaml")
            #expect(response.status == .ok)
            #expect(String(buffer: response.body) == ShippingServiceApp.openAPIDocument)
            #expect(ShippingServiceApp.openAPIDocument.hasPrefix("openapi: 3.1.0"))
            #expect(ShippingServiceApp.openAPIDocument.contains("unsupported_destination"))
        }
    }
}
