import FlotillaStore
import SQLKit

/// The inventory-service schema, version by version, and the one-time catalogue seed.
enum InventoryMigrations {
    /// Every migration; `catalogue` is what version 4 seeds into the empty products table.
    static func all(catalogue: Catalogue) -> [Migration] {
        [
            Migration(version: 1, name: "create products") { database in
                try await database.create(table: "products")
                    .column("sku", type: .text, .primaryKey(autoIncrement: false))
                    .column("name", type: .text, .notNull)
                    .column("description", type: .text, .notNull)
                    .column("price_amount", type: .bigint, .notNull)
                    .column("price_currency", type: .text, .notNull)
                    .column("initial_stock", type: .bigint, .notNull)
                    .column("stock", type: .bigint, .notNull)
                    .run()
            },
            Migration(version: 2, name: "create reservations") { database in
                try await database.create(table: "reservations")
                    .column("id", type: .text, .primaryKey(autoIncrement: false))
                    .column("status", type: .text, .notNull)
                    .column("created_at_ms", type: .bigint, .notNull)
                    .column("expires_at_ms", type: .bigint)
                    .column("updated_at_ms", type: .bigint, .notNull)
                    .run()
                try await database.create(index: "reservations_status_expiry").on("reservations").column("status").column("expires_at_ms")
                    .run()
            },
            Migration(version: 3, name: "create reservation items") { database in
                try await database.create(table: "reservation_items")
                    .column("reservation_id", type: .text, .notNull)
                    .column("sku", type: .text, .notNull)
                    .column("quantity", type: .bigint, .notNull)
                    .primaryKey("reservation_id", "sku")
                    .run()
                try await database.create(index: "reservation_items_sku").on("reservation_items").column("sku").run()
            },
            // Seeding is a migration so it runs exactly once, under the migration lock, even when replicas start together.
            Migration(version: 4, name: "seed catalogue") { database in
                for product in catalogue.products {
                    try await database.insert(into: "products")
                        .model(StoredProduct(product))
                        .ignoringConflicts(with: "sku")
                        .run()
                }
            },
        ]
    }
}
