@preconcurrency import AsyncKit
import Logging
import NIOCore
import SQLKit

/// A connection pool of any engine, seen as an SQLKit database, with a way to pin one connection.
struct PooledConnections<Source: ConnectionPoolSource>: Sendable where Source.Connection: Sendable {
    private let box: PoolBox<Source>
    var pool: EventLoopGroupConnectionPool<Source> { box.pool }
    let logger: Logger
    let dialect: any SQLDialect
    let makeDatabase: @Sendable (Source.Connection) -> any SQLDatabase

    init(
        pool: EventLoopGroupConnectionPool<Source>,
        logger: Logger,
        dialect: any SQLDialect,
        makeDatabase: @escaping @Sendable (Source.Connection) -> any SQLDatabase
    ) {
        self.box = PoolBox(pool: pool)
        self.logger = logger
        self.dialect = dialect
        self.makeDatabase = makeDatabase
    }

    func withConnection<Result: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> Result) async throws -> Result {
        let connection = try await pool.requestConnection(logger: logger).get()
        do {
            let result = try await body(makeDatabase(connection))
            pool.releaseConnection(connection, logger: logger)
            return result
        } catch {
            pool.releaseConnection(connection, logger: logger)
            throw error
        }
    }

    var database: any SQLDatabase { PooledSQLDatabase(connections: self) }

    func shutdown() async {
        try? await pool.shutdownAsync()
    }
}

/// Runs each query on whichever pooled connection is free.
private struct PooledSQLDatabase<Source: ConnectionPoolSource>: SQLDatabase where Source.Connection: Sendable {
    let connections: PooledConnections<Source>

    var logger: Logger { connections.logger }
    var eventLoop: any EventLoop { connections.pool.eventLoopGroup.any() }
    var dialect: any SQLDialect { connections.dialect }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) -> EventLoopFuture<Void> {
        let makeDatabase = connections.makeDatabase
        return connections.pool.withConnection(logger: logger) { connection in
            makeDatabase(connection).execute(sql: query, onRow)
        }
    }
}

/// Carries AsyncKit's pool across tasks.
///
/// `@unchecked Sendable` is safe here: `EventLoopGroupConnectionPool` is a final class whose only
/// mutable state (`didShutdown`) is guarded by its `NIOLock`, and whose per-event-loop pools do all
/// their work on their own event loop (every entry point hops there); postgres-kit shares it across
/// threads the same way. The box adds no state of its own.
private final class PoolBox<Source: ConnectionPoolSource>: @unchecked Sendable {
    let pool: EventLoopGroupConnectionPool<Source>
    init(pool: EventLoopGroupConnectionPool<Source>) { self.pool = pool }
}
