import FlotillaCore
import FlotillaStore
import Foundation
import SQLKit

/// The table of used idempotency keys and their recorded responses.
struct IdempotencyLedger: Sendable {
    static let table = "flotilla_idempotency_keys"

    /// The ledger's schema.
    static let migrations: [Migration] = [
        Migration(version: 9000, name: "create idempotency keys") { database in
            try await database.create(table: table)
                .column("scope", type: .text, .notNull)
                .column("key", type: .text, .notNull)
                .column("fingerprint", type: .text, .notNull)
                .column("status", type: .int)
                .column("content_type", type: .text)
                .column("location", type: .text)
                .column("cache_control", type: .text)
                .column("body", type: .text)
                .column("created_at", type: .text, .notNull)
                .primaryKey("scope", "key")
                .run()
        },
        Migration(version: 9001, name: "create idempotency secrets") { database in
            try await database.create(table: FingerprintKey.table)
                .column("name", type: .text, .primaryKey(autoIncrement: false))
                .column("value", type: .text, .notNull)
                .run()
        },
    ]

    /// Claims `key` for this transaction, or returns what an earlier request recorded under it.
    ///
    /// The insert ignores a conflict: on PostgreSQL it waits for a concurrent transaction holding the
    /// same key to end, and then sees its committed row; on SQLite transactions are serial anyway.
    func claim(scope: String, key: String, fingerprint: String, on database: any SQLDatabase) async throws -> IdempotencyRecord? {
        try await database.insert(into: Self.table)
            .columns("scope", "key", "fingerprint", "created_at")
            .values(SQLBind(scope), SQLBind(key), SQLBind(fingerprint), SQLBind(Timestamp.string()))
            .ignoringConflicts(with: ["scope", "key"])
            .run()
        return try await find(scope: scope, key: key, on: database)
    }

    /// Records the response of the request that claimed `key`.
    func complete(scope: String, key: String, response: RecordedResponse, on database: any SQLDatabase) async throws {
        try await database.update(Self.table)
            .set("status", to: SQLBind(response.status))
            .set("content_type", to: SQLBind(response.contentType))
            .set("location", to: SQLBind(response.location))
            .set("cache_control", to: SQLBind(response.cacheControl))
            .set("body", to: SQLBind(response.body))
            .where("scope", .equal, SQLBind(scope))
            .where("key", .equal, SQLBind(key))
            .run()
    }

    /// The completed record of `key`, or nil when there is none (or it is the caller's own fresh claim).
    func find(scope: String, key: String, on database: any SQLDatabase) async throws -> IdempotencyRecord? {
        guard
            let row = try await database.select()
                .columns("fingerprint", "status", "content_type", "location", "cache_control", "body")
                .from(Self.table)
                .where("scope", .equal, SQLBind(scope))
                .where("key", .equal, SQLBind(key))
                .first()
        else { return nil }
        guard let status = try row.decode(column: "status", as: Int?.self) else { return nil }
        return IdempotencyRecord(
            fingerprint: try row.decode(column: "fingerprint", as: String.self),
            response: RecordedResponse(
                status: status,
                contentType: try row.decode(column: "content_type", as: String?.self),
                location: try row.decode(column: "location", as: String?.self),
                cacheControl: try row.decode(column: "cache_control", as: String?.self),
                body: try row.decode(column: "body", as: String?.self) ?? ""
            )
        )
    }
}
