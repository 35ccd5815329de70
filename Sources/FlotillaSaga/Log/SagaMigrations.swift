import FlotillaStore
import SQLKit

/// The saga log's schema (versions 9100-9199), to run with the service's own migrations:
///
/// ```swift
/// try await store.migrate(OrderMigrations.all + SagaMigrations.all)
/// ```
///
/// Run them in the same `migrate` call as the service's migrations: `migrate` refuses a database whose
/// newest version is past the newest migration it is given.
public enum SagaMigrations {
    /// The table holding every saga, one row each.
    static let table = "flotilla_sagas"

    /// Every saga-log migration, in order.
    public static let all: [Migration] = [
        Migration(version: 9100, name: "create flotilla_sagas") { db in
            try await db.create(table: table)
                .column("id", type: .text, .primaryKey(autoIncrement: false))
                .column("definition", type: .text, .notNull)
                .column("status", type: .text, .notNull)
                .column("reason", type: .text)
                .column("data", type: .text, .notNull)
                .column("steps", type: .text, .notNull)
                .column("deadline_ms", type: .bigint, .notNull)
                .column("created_ms", type: .bigint, .notNull)
                .column("updated_ms", type: .bigint, .notNull)
                .run()
        },
        Migration(version: 9101, name: "index unfinished sagas") { db in
            try await db.create(index: "flotilla_sagas_by_status").on(table).column("definition").column("status").run()
        },
    ]
}
