import Foundation
import Synchronization

/// The live registry: the ``CatalogState`` behind a lock, the blocking-query notifier, and the
/// ordered writer that makes every change durable.
///
/// Reads take the lock for as long as it takes to copy out what they need; writes validate and
/// apply under the lock, wake the blocking queries of what they touched, then wait until their
/// change is committed to disk before the request is answered.
public final class Registry: Sendable {
    /// Wakes blocking queries.
    public let notifier = ChangeNotifier()
    /// Where changes are written; `nil` keeps the registry in memory only.
    public let persistence: RegistryPersistence?
    /// The clock health checks and TTLs use (a test clock in tests).
    public let now: @Sendable () -> Date
    private let state: Mutex<CatalogState>

    /// Creates a registry holding `state`.
    public init(state: CatalogState = .init(), persistence: RegistryPersistence? = nil, now: @escaping @Sendable () -> Date = { Date() }) {
        self.state = Mutex(state)
        self.persistence = persistence
        self.now = now
    }

    /// Replaces the whole state (after loading it from disk at start-up).
    public func replace(with newState: CatalogState) {
        state.withLock { $0 = newState }
        notifier.publish([.catalog, .kv])
    }

    /// Reads from the current state.
    public func read<Result: Sendable>(_ body: (CatalogState) -> Result) -> Result {
        state.withLock { body($0) }
    }

    /// Applies a change, wakes the readers it concerns and waits until it is durable.
    @discardableResult
    public func change<Result: Sendable>(
        _ body: (inout CatalogState) throws(ConsulError) -> (Result, CatalogState.Changes)
    ) async throws -> Result {
        let (result, ticket, topics) = try state.withLock { state throws(ConsulError) in
            let (result, changes) = try body(&state)
            guard !changes.isEmpty else { return (result, UInt64?.none, [ChangeNotifier.Topic]()) }
            let ticket = persistence?.enqueue(RegistryRecord.records(for: changes, in: state), index: state.index)
            var topics: [ChangeNotifier.Topic] = changes.names.map { .service($0) }
            if !changes.services.isEmpty || !changes.checks.isEmpty { topics.append(.catalog) }
            if !changes.keys.isEmpty { topics.append(.kv) }
            return (result, ticket, topics)
        }
        notifier.publish(topics)
        if let ticket, let persistence { try await persistence.waitUntilDurable(ticket) }
        return result
    }
}
