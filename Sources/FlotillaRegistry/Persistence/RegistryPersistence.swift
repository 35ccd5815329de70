import FlotillaStore
import Foundation
import Logging
import SQLKit
import Synchronization

/// Writes the registry's changes to its store in the order they were made, batching whatever
/// piled up while the previous batch was being written into one transaction.
///
/// A request that changed something waits for ``waitUntilDurable(_:)`` before it answers, so an
/// acknowledged registration or key survives a restart.
public final class RegistryPersistence: Sendable {
    private struct State {
        var pending: [RegistryRecord] = []
        var pendingIndex: UInt64 = 0
        var enqueued: UInt64 = 0
        var durable: UInt64 = 0
        var flushing = false
        var waiters: [(ticket: UInt64, continuation: CheckedContinuation<Void, any Error>)] = []
    }

    /// The store written to.
    public let store: Store
    private let logger: Logger
    private let state = Mutex(State())

    /// Creates a writer over `store` (already migrated with ``RegistryMigrations``).
    public init(store: Store, logger: Logger) {
        self.store = store
        self.logger = logger
    }

    /// Queues `records` (written as of registry index `index`) and returns the ticket to wait for.
    func enqueue(_ records: [RegistryRecord], index: UInt64) -> UInt64 {
        let (ticket, start) = state.withLock { state in
            state.pending.append(contentsOf: records)
            state.pendingIndex = max(state.pendingIndex, index)
            state.enqueued += 1
            let start = !state.flushing
            state.flushing = true
            return (state.enqueued, start)
        }
        if start { Task { await self.flushLoop() } }
        return ticket
    }

    /// Returns once the changes behind `ticket` are committed; throws if their write failed.
    func waitUntilDurable(_ ticket: UInt64) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let done = state.withLock { state in
                if state.durable >= ticket { return true }
                state.waiters.append((ticket, continuation))
                return false
            }
            if done { continuation.resume() }
        }
    }

    /// Waits until everything queued so far is written (at shutdown, in tests).
    public func drain() async throws {
        let ticket = state.withLock { $0.enqueued }
        if ticket > 0 { try await waitUntilDurable(ticket) }
    }

    private func flushLoop() async {
        while true {
            let batch = state.withLock { state -> (records: [RegistryRecord], index: UInt64, ticket: UInt64)? in
                guard !state.pending.isEmpty || state.durable < state.enqueued else {
                    state.flushing = false
                    return nil
                }
                defer { state.pending = [] }
                return (state.pending, state.pendingIndex, state.enqueued)
            }
            guard let batch else { return }
            var failure: (any Error)?
            do {
                try await write(batch.records, index: batch.index)
            } catch {
                logger.error("registry write failed", metadata: ["error": .string(String(describing: error))])
                failure = error
            }
            let woken = state.withLock { state in
                state.durable = batch.ticket
                let ready = state.waiters.filter { $0.ticket <= batch.ticket }
                state.waiters.removeAll { $0.ticket <= batch.ticket }
                return ready.map(\.continuation)
            }
            for continuation in woken {
                if let failure { continuation.resume(throwing: failure) } else { continuation.resume() }
            }
        }
    }

    private func write(_ records: [RegistryRecord], index: UInt64) async throws {
        try await store.transaction { database in
            for record in records {
                if let body = record.body {
                    try await database.raw(
                        """
                        INSERT INTO \(ident: record.table.rawValue) (id, body) VALUES (\(bind: record.id), \(bind: body)) \
                        ON CONFLICT (id) DO UPDATE SET body = excluded.body
                        """
                    ).run()
                } else {
                    try await database.delete(from: record.table.rawValue).where("id", .equal, record.id).run()
                }
            }
            try await database.raw(
                """
                INSERT INTO registry_meta (name, value) VALUES ('index', \(bind: Int64(index))) \
                ON CONFLICT (name) DO UPDATE SET value = excluded.value
                """
            ).run()
        }
    }

    /// Reads the stored state.
    public func load() async throws -> CatalogState {
        let decoder = JSONDecoder()
        func rows<T: Decodable>(_ table: RegistryRecord.Table, as type: T.Type) async throws -> [T] {
            try await store.sql.select().column("body").from(table.rawValue).all().map { row in
                try decoder.decode(T.self, from: Data(try row.decode(column: "body", as: String.self).utf8))
            }
        }
        let index =
            try await store.sql.select().column("value").from("registry_meta").where("name", .equal, "index").first()
            .map { try $0.decode(column: "value", as: Int64.self) } ?? 1
        return CatalogState(
            services: try await rows(.services, as: ServiceInstance.self),
            checks: try await rows(.checks, as: HealthCheck.self),
            kv: try await rows(.kv, as: KVEntry.self),
            index: UInt64(max(index, 1))
        )
    }
}
