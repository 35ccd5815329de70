import FlotillaStore
import SQLKit

/// The user-service schema, version by version.
enum UserMigrations {
    static let all: [Migration] = [
        Migration(version: 1, name: "create users") { database in
            try await database.create(table: "users")
                .column("id", type: .text, .primaryKey(autoIncrement: false))
                .column("email", type: .text, .notNull, .unique)
                .column("name", type: .text, .notNull)
                .column("password_hash", type: .text, .notNull)
                .column("created_at", type: .text, .notNull)
                .run()
        },
        Migration(version: 2, name: "create signing keys") { database in
            try await database.create(table: "signing_keys")
                .column("kid", type: .text, .primaryKey(autoIncrement: false))
                .column("private_key_pem", type: .text, .notNull)
                .column("created_at", type: .text, .notNull)
                .run()
        },
    ]
}
