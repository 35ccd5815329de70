import Foundation
import SQLKit

extension Store {
    /// The table that records applied migrations.
    static let migrationsTable = "flotilla_schema_migrations"

    /// Applies every migration whose version is not yet recorded, in order, each in its own transaction.
    ///
    /// Safe when several replicas start at once: on PostgreSQL an advisory lock serialises them, on
    /// SQLite `BEGIN IMMEDIATE` does. Returns the versions it applied.
    @discardableResult
    public func migrate(_ migrations: [Migration]) async throws -> [Int] {
        let sorted = migrations.sorted { $0.version < $1.version }
        guard Set(sorted.map(\.version)).count == sorted.count else {
            throw MigrationError(description: "two migrations share a version: \(sorted.map(\.version))")
        }
        try await sql.create(table: Self.migrationsTable)
            .ifNotExists()
            .column("version", type: .bigint, .primaryKey(autoIncrement: false))
            .column("name", type: .text, .notNull)
            .column("applied_at", type: .text, .notNull)
            .run()
        let engine = self.engine
        var applied: [Int] = []
        for migration in sorted {
            let didApply = try await transaction { database in
                if engine == .postgres {
                    try await database.raw("SELECT pg_advisory_xact_lock(7262771061)").run()
                }
                let done = try await database.select().column("version").from(Self.migrationsTable)
                    .where("version", .equal, migration.version).first()
                guard done == nil else { return false }
                try await migration.apply(database)
                try await database.insert(into: Self.migrationsTable)
                    .columns("version", "name", "applied_at")
                    .values(SQLBind(migration.version), SQLBind(migration.name), SQLBind(ISO8601DateFormatter().string(from: Date())))
                    .run()
                return true
            }
            if didApply { applied.append(migration.version) }
        }
        if let newest = try await appliedMigrations().last, let known = sorted.last?.version, newest > known {
            throw MigrationError(description: "the database is at schema version \(newest), newer than this build knows (\(known))")
        }
        return applied
    }

    /// The versions recorded as applied, in order.
    public func appliedMigrations() async throws -> [Int] {
        try await sql.select().column("version").from(Self.migrationsTable).orderBy("version").all()
            .map { try $0.decode(column: "version", as: Int.self) }
    }
}
