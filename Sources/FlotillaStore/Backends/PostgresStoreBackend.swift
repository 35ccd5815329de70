@preconcurrency import AsyncKit
import Logging
import NIOCore
import NIOPosix
import PostgresKit
import SQLKit

/// PostgreSQL through postgres-kit: a pool of connections per event loop.
struct PostgresStoreBackend: StoreBackend {
    let connections: PooledConnections<PostgresConnectionSource>

    init(url: String, logger: Logger) throws {
        let configuration = try SQLPostgresConfiguration(url: url)
        let pool = EventLoopGroupConnectionPool(
            source: PostgresConnectionSource(sqlConfiguration: configuration),
            maxConnectionsPerEventLoop: 4,
            // A busy store queues callers rather than failing them after AsyncKit's default 10 s;
            // HTTP timeouts above bound how long a request really waits.
            requestTimeout: .seconds(60),
            logger: logger,
            on: MultiThreadedEventLoopGroup.singleton
        )
        connections = PooledConnections(pool: pool, logger: logger, dialect: PostgresDialect()) { $0.sql() }
    }

    var pooledDatabase: any SQLDatabase { connections.database }

    func withConnection<Result: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> Result) async throws -> Result {
        try await connections.withConnection(body)
    }

    func shutdown() async { await connections.shutdown() }
}
