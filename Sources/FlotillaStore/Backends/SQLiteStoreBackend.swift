@preconcurrency import AsyncKit
import Logging
import NIOCore
import NIOPosix
import SQLKit
import SQLiteKit

/// SQLite in WAL mode behind one connection.
///
/// One connection, on one event loop, serialises every statement in the process. That is what
/// SQLite does with writes anyway, and it avoids a real deadlock: sqlite-nio's busy handler retries
/// forever on the shared NIO thread pool, so two connections waiting for a writer could occupy
/// every pool thread while the writer waits for one. Other processes (a CLI, a backup) still get
/// WAL's concurrent readers. Inside ``Store/transaction(_:)`` use the database it passes in.
struct SQLiteStoreBackend: StoreBackend {
    let connections: PooledConnections<WALConnectionSource>

    init(path: String, logger: Logger) {
        let source = WALConnectionSource(inner: SQLiteConnectionSource(configuration: .init(storage: .file(path: path))))
        let pool = EventLoopGroupConnectionPool(
            source: source,
            maxConnectionsPerEventLoop: 1,
            // A busy store queues callers rather than failing them after AsyncKit's default 10 s;
            // HTTP timeouts above bound how long a request really waits.
            requestTimeout: .seconds(60),
            logger: logger,
            on: MultiThreadedEventLoopGroup.singleton.next()
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
