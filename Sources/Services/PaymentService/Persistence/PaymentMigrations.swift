import FlotillaStore
import SQLKit

/// The payment-service schema, version by version. No column can hold a full card number.
enum PaymentMigrations {
    static let all: [Migration] = [
        Migration(version: 1, name: "create payments") { database in
            try await database.create(table: "payments")
                .column("id", type: .text, .primaryKey(autoIncrement: false))
                .column("order_id", type: .text, .notNull)
                .column("amount", type: .bigint, .notNull)
                .column("currency", type: .text, .notNull)
                .column("status", type: .text, .notNull)
                .column("last4", type: .text, .notNull)
                .column("reason", type: .text)
                .column("created_at", type: .text, .notNull)
                .column("refunded_at", type: .text)
                .run()
            try await database.create(index: "payments_order_id").on("payments").column("order_id").run()
        }
    ]
}
