import Foundation
import HummingbirdTesting
import Testing

@testable import InventoryService

@Suite struct ProductTests {
    @Test(arguments: Engine.allCases)
    func pagingVisitsEveryProductOnceInSkuOrder(engine: Engine) async throws {
        let app = try await makeInventoryService(try engine.freshDatabase(), options: .init())
        let expected = try Catalogue.bundled.products.map(\.sku).sorted()
        try await app.kit.makeApplication().test(.router) { client in
            var seen: [String] = []
            var cursor: String?
            var pages = 0
            repeat {
                let query = "/products?limit=7" + (cursor.map { "&cursor=\($0)" } ?? "")
                let response = try await client.send(.get, query)
                #expect(response.status == .ok)
                let page = object(response.body)
                let items = try #require(page["items"] as? [[String: Any]])
                #expect(items.count <= 7)
                seen += items.compactMap { $0["sku"] as? String }
                #expect(page.keys.contains("next"))
                cursor = page["next"] as? String
                pages += 1
            } while cursor != nil && pages < 20
            #expect(seen == expected)
            #expect(pages == (expected.count + 6) / 7)
        }
        await app.store.shutdown()
    }

    @Test func theDefaultPageHasTwentyProductsWithTheirShape() async throws {
        let app = try await makeInventoryService(try Engine.sqlite.freshDatabase(), options: .init())
        try await app.kit.makeApplication().test(.router) { client in
            let page = object(try await client.send(.get, "/products").body)
            let items = try #require(page["items"] as? [[String: Any]])
            #expect(items.count == 20)
            #expect(page["next"] is String)
            let first = try #require(items.first)
            #expect(Set(first.keys) == ["sku", "name", "description", "price", "stock"])
            let price = try #require(first["price"] as? [String: Any])
            #expect(price["currency"] as? String == "EUR")
            #expect(price["amount"] is Int)
        }
        await app.store.shutdown()
    }

    @Test func theLastPageHasANullNext() async throws {
        let app = try await makeInventoryService(try Engine.sqlite.freshDatabase())
        try await app.kit.makeApplication().test(.router) { client in
            let response = try await client.send(.get, "/products?limit=100")
            #expect(String(buffer: response.body).contains(#""next":null"#))
            #expect((object(response.body)["items"] as? [Any])?.count == 3)
        }
        await app.store.shutdown()
    }

    @Test(arguments: [
        ("/products?limit=0", "limit"), ("/products?limit=101", "limit"), ("/products?limit=abc", "limit"), ("/products?limit=-1", "limit"),
        ("/products?cursor=garbage", "cursor"), ("/products?cursor=\(ProductCursor.make(after: "A-1").dropLast(2))zz", "cursor"),
    ])
    func badPagingParametersAre400NamingTheField(uri: String, field: String) async throws {
        let app = try await makeInventoryService(try Engine.sqlite.freshDatabase())
        try await app.kit.makeApplication().test(.router) { client in
            let response = try await client.send(.get, uri)
            #expect(response.status == .badRequest)
            #expect(response.headers[.contentType] == "application/problem+json")
            #expect(object(response.body)["field"] as? String == field)
        }
        await app.store.shutdown()
    }

    @Test(arguments: Engine.allCases)
    func aProductIsFoundBySkuAndAnUnknownOneIs404(engine: Engine) async throws {
        let app = try await makeInventoryService(try engine.freshDatabase())
        try await app.kit.makeApplication().test(.router) { client in
            let response = try await client.send(.get, "/products/B-2")
            #expect(response.status == .ok)
            let product = try JSONDecoder().decode(Product.self, from: Data(response.body.readableBytesView))
            #expect(product == testCatalogue.products[1])
            for sku in ["Z-9", "not%20a%20sku"] {
                let missing = try await client.send(.get, "/products/\(sku)")
                #expect(missing.status == .notFound)
                #expect(missing.headers[.contentType] == "application/problem+json")
            }
        }
        await app.store.shutdown()
    }
}
