import FlotillaStore
import SQLKit

/// The shipping-service schema, version by version.
enum ShippingMigrations {
    static let all: [Migration] = [
        Migration(version: 1, name: "create shipments") { database in
            try await database.create(table: "shipments")
                .column("id", type: .text, .primaryKey(autoIncrement: false))
                .column("order_id", type: .text, .notNull)
                .column("status", type: .text, .notNull)
                .column("tracking_id", type: .text, .notNull, .unique)
                .column("name", type: .text, .notNull)
                .column("line1", type: .text, .notNull)
                .column("city", type: .text, .notNull)
                .column("postal_code", type: .text, .notNull)
                .column("country", type: .text, .notNull)
                .column("items", type: .text, .notNull)
                .column("created_at", type: .text, .notNull)
                .column("cancelled_at", type: .text)
                .run()
            try await database.create(index: "shipments_order_id").on("shipments").column("order_id").run()
        }
    ]
}
