import FlotillaCore
import FlotillaHTTP
import Hummingbird

/// `GET /products` (paged by an opaque cursor), `GET /products/{sku}` and `GET /inventory/summary`.
struct ProductRoutes: Sendable {
    static let defaultLimit = 20
    static let maximumLimit = 100

    let products: ProductRepository

    func register(on routes: RouteTable) {
        routes.get("/products") { request, _ in try await list(request) }
        routes.get("/products/{sku}") { _, context in
            let sku = try context.parameters.require("sku")
            guard SKU.isValid(sku), let product = try await products.find(sku: sku) else {
                throw ProblemDetails.notFound("No product has sku \(sku).")
            }
            return try JSONResponse.make(product, status: .ok, cacheable: false)
        }
        routes.get("/inventory/summary") { _, _ in
            try JSONResponse.make(try await products.summary(), status: .ok, cacheable: false)
        }
    }

    private func list(_ request: Request) async throws -> Response {
        let query = request.uri.queryParameters
        var limit = Self.defaultLimit
        if let text = query["limit"] {
            guard let value = Int(text), (1...Self.maximumLimit).contains(value) else {
                throw ProblemDetails.invalidField("limit", "limit must be an integer from 1 to \(Self.maximumLimit).")
            }
            limit = value
        }
        var after: String?
        if let cursor = query["cursor"], !cursor.isEmpty {
            guard let sku = ProductCursor.sku(from: String(cursor)) else {
                throw ProblemDetails.invalidField("cursor", "cursor is not one this service gave out; start again without it.")
            }
            after = sku
        }
        let (items, hasMore) = try await products.page(after: after, limit: limit)
        let next = hasMore ? items.last.map { ProductCursor.make(after: $0.sku) } : nil
        return try JSONResponse.make(ProductPage(items: items, next: next), status: .ok, cacheable: false)
    }
}
