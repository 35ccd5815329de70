import FlotillaCore
import FlotillaHTTPClient
import Foundation
import Synchronization

/// Prices of products from inventory-service, cached for a minute (prices change rarely; the order
/// records the price it was placed at).
final class ProductPrices: Sendable {
    private struct Entry {
        var price: Money
        var fetchedAt: ContinuousClock.Instant
    }

    private let downstreams: Downstreams
    private let lifetime: Duration
    private let cache = Mutex<[String: Entry]>([:])

    init(downstreams: Downstreams, lifetime: Duration = .seconds(60)) {
        self.downstreams = downstreams
        self.lifetime = lifetime
    }

    /// The price of each sku; an unknown sku is a 422 problem naming it, an unreachable inventory a 503.
    func prices(of skus: [String]) async throws -> [String: Money] {
        var result: [String: Money] = [:]
        for sku in skus {
            result[sku] = try await price(of: sku)
        }
        return result
    }

    private func price(of sku: String) async throws -> Money {
        let now = ContinuousClock.now
        if let entry = cache.withLock({ $0[sku] }), entry.fetchedAt.duration(to: now) < lifetime {
            return entry.price
        }
        let encoded = sku.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? sku
        let response: ResilientHTTPResponse
        do {
            response = try await downstreams.get("/products/\(encoded)", from: Downstreams.inventory)
        } catch {
            throw ProblemDetails.unavailable("inventory-service cannot be reached to price the order; try again.")
        }
        switch response.status.code {
        case 200:
            struct Product: Decodable { var price: Money }
            guard let product = try? JSONDecoder().decode(Product.self, from: response.body) else {
                throw ProblemDetails.unavailable("inventory-service answered an unreadable product for \(sku).")
            }
            cache.withLock { $0[sku] = Entry(price: product.price, fetchedAt: now) }
            return product.price
        case 404:
            throw ProblemDetails(
                type: ProblemDetails.typeBase + "unknown-sku",
                title: "Unprocessable Content",
                status: 422,
                detail: "No product has sku \(sku).",
                field: "items"
            )
        default:
            throw ProblemDetails.unavailable("inventory-service answered \(response.status.code) for \(sku); try again.")
        }
    }
}
