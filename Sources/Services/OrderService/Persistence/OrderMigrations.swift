import FlotillaStore
import SQLKit

/// order-service's schema (the saga log and idempotency ledger bring their own).
enum OrderMigrations {
    static let all: [Migration] = [
        Migration(version: 1, name: "create orders") { database in
            try await database.create(table: "orders")
                .column("id", type: .text, .primaryKey(autoIncrement: false))
                .column("user_id", type: .text, .notNull)
                .column("status", type: .text, .notNull)
                .column("reason", type: .text)
                .column("items", type: .text, .notNull)
                .column("total_amount", type: .bigint, .notNull)
                .column("currency", type: .text, .notNull)
                .column("card_last4", type: .text, .notNull)
                .column("shipping_address", type: .text, .notNull)
                .column("created_at", type: .text, .notNull)
                .column("updated_at", type: .text, .notNull)
                .run()
            try await database.create(index: "orders_by_user").on("orders").column("user_id").column("created_at").run()
        },
        Migration(version: 2, name: "create secrets") { database in
            try await database.create(table: "order_secrets")
                .column("name", type: .text, .primaryKey(autoIncrement: false))
                .column("value", type: .text, .notNull)
                .run()
        },
    ]
}
