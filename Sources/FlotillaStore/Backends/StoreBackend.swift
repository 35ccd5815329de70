import SQLKit

/// What the store needs from an engine: a pooled database and a way to hold one connection.
protocol StoreBackend: Sendable {
    var pooledDatabase: any SQLDatabase { get }
    func withConnection<Result: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> Result) async throws -> Result
    func shutdown() async
}
