@preconcurrency import AsyncKit
import Logging
import NIOCore
import NIOPosix
import SQLKit
import SQLiteKit

/// SQLite in WAL mode: readers never wait for the writer; writers take turns (the busy handler retries).
struct SQLiteStoreBackend: StoreBackend {
    let connections: PooledConnections<WALConnectionSource>

    init(path: String, logger: Logger) {
        let source = WALConnectionSource(inner: SQLiteConnectionSource(configuration: .init(storage: .file(path: path))))
        let pool = EventLoopGroupConnectionPool(
            source: source,
            maxConnectionsPerEventLoop: 2,
            logger: logger,
            on: MultiThreadedEventLoopGroup.singleton
        )
        connections = PooledConnections(pool: pool, logger: logger, dialect: SQLiteDialect()) { $0.sql() }
    }

    var pooledDatabase: any SQLDatabase { connections.database }

    func withConnection<Result: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> Result) async throws -> Result {
        try await connections.withConnection(body)
    }

    func shutdown() async { await connections.shutdown() }
}

/// Opens SQLite connections with write-ahead logging and `synchronous=NORMAL` (durable at checkpoints, safe in WAL).
struct WALConnectionSource: ConnectionPoolSource {
    let inner: SQLiteConnectionSource

    func makeConnection(logger: Logger, on eventLoop: any EventLoop) -> EventLoopFuture<SQLiteConnection> {
        inner.makeConnection(logger: logger, on: eventLoop).flatMap { connection in
            connection.query("PRAGMA journal_mode=WAL")
                .flatMap { _ in connection.query("PRAGMA synchronous=NORMAL") }
                .map { _ in connection }
        }
    }
}
