import FlotillaStore
import SQLKit

/// Reads the catalogue and the stock figures from inventory-service's database.
struct ProductRepository: Sendable {
    let store: Store

    /// Up to `limit` products ordered by sku, starting after `sku`, and whether more follow.
    func page(after sku: String?, limit: Int) async throws -> (products: [Product], hasMore: Bool) {
        var query = store.sql.select().columns("*").from("products")
        if let sku { query = query.where("sku", .greaterThan, sku) }
        let rows = try await query.orderBy("sku").limit(limit + 1).all(decoding: StoredProduct.self)
        return (rows.prefix(limit).map(\.product), rows.count > limit)
    }

    func find(sku: String) async throws -> Product? {
        try await store.sql.select().columns("*").from("products").where("sku", .equal, sku).first(decoding: StoredProduct.self)?.product
    }

    /// Every product's initial, available, reserved and committed units, read in one statement (one snapshot).
    func summary() async throws -> StockSummary {
        let rows = try await store.sql.raw(
            """
            SELECT p.sku AS sku, p.initial_stock AS initial, p.stock AS available,
                   CAST(COALESCE(SUM(CASE WHEN r.status = 'reserved' THEN i.quantity ELSE 0 END), 0) AS BIGINT) AS reserved,
                   CAST(COALESCE(SUM(CASE WHEN r.status = 'committed' THEN i.quantity ELSE 0 END), 0) AS BIGINT) AS committed
            FROM products p
            LEFT JOIN reservation_items i ON i.sku = p.sku
            LEFT JOIN reservations r ON r.id = i.reservation_id
            GROUP BY p.sku, p.initial_stock, p.stock
            ORDER BY p.sku
            """
        )
        .all(decoding: StockSummary.Line.self)
        return StockSummary(items: rows)
    }
}
