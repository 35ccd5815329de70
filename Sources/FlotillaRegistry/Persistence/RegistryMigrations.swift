import FlotillaStore
import SQLKit

/// The registry's schema: one JSON row per instance, check and key, and the last index.
public enum RegistryMigrations {
    /// Every migration, in order.
    public static let all: [Migration] = [
        Migration(version: 1, name: "create registry tables") { database in
            for table in RegistryRecord.Table.allCases {
                try await database.create(table: table.rawValue)
                    .column("id", type: .text, .primaryKey(autoIncrement: false))
                    .column("body", type: .text, .notNull)
                    .run()
            }
            try await database.create(table: "registry_meta")
                .column("name", type: .text, .primaryKey(autoIncrement: false))
                .column("value", type: .bigint, .notNull)
                .run()
        }
    ]
}
