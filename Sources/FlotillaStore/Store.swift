import FlotillaCore
import Foundation
import Logging
import NIOCore
import SQLKit

/// A service's own database: SQLite by default, PostgreSQL when `DATABASE_URL` says so.
///
/// The same SQLKit code runs on both. Plain queries go through ``sql`` (any pooled connection);
/// work that must be atomic goes through ``transaction(_:)``.
///
/// ```swift
/// let store = try Store(location: configuration.resolvedDatabase, logger: logger)
/// try await store.migrate(UserMigrations.all)
/// let rows = try await store.sql.select().column("id").from("users").all()
/// ```
public final class Store: Sendable {
    /// Which engine a store runs on.
    public enum Engine: String, Sendable {
        case sqlite, postgres
    }

    /// The engine behind this store.
    public let engine: Engine
    /// Where the data lives (passwords redacted in its description).
    public let location: DatabaseLocation
    /// A database that runs each query on any pooled connection.
    public var sql: any SQLDatabase { backend.pooledDatabase }

    private let backend: any StoreBackend

    /// Opens (lazily: the first query connects) the store at `location`. For SQLite the file's folder is created.
    public init(location: DatabaseLocation, logger: Logger) throws {
        self.location = location
        switch location {
        case .sqlite(let path):
            let folder = (path as NSString).deletingLastPathComponent
            if !folder.isEmpty {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            }
            engine = .sqlite
            backend = SQLiteStoreBackend(path: path, logger: logger)
        case .postgres(let url):
            engine = .postgres
            backend = try PostgresStoreBackend(url: url, logger: logger)
        }
    }

    /// Runs `body` in a transaction on one connection: committed when it returns, rolled back when it throws.
    /// On SQLite the transaction takes the write lock at once (`BEGIN IMMEDIATE`), so it never fails half-way on a lock upgrade.
    public func transaction<Result: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> Result) async throws -> Result {
        let begin = engine == .sqlite ? "BEGIN IMMEDIATE" : "BEGIN"
        return try await backend.withConnection { database in
            try await database.raw(SQLQueryString(begin)).run()
            do {
                let result = try await body(database)
                try await database.raw("COMMIT").run()
                return result
            } catch {
                try? await database.raw("ROLLBACK").run()
                throw error
            }
        }
    }

    /// Throws unless the database answers a trivial query.
    public func ping() async throws {
        try await sql.raw("SELECT 1").run()
    }

    /// Closes every connection.
    public func shutdown() async {
        await backend.shutdown()
    }

    /// Whether `error` is a unique-constraint violation (a duplicate key), on either engine.
    public static func isUniqueViolation(_ error: any Error) -> Bool {
        StoreErrors.isUniqueViolation(error)
    }
}
