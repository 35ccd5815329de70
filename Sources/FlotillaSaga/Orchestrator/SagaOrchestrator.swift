import FlotillaStore
import Foundation
import Logging
import Metrics
import SQLKit
import ServiceLifecycle
import Synchronization

/// Runs the sagas of one ``SagaDefinition`` durably: every step's start and outcome is written to the saga
/// log in the `Store` before the saga moves on, so a crash at any point resumes where it stopped.
///
/// ```swift
/// let orchestrator = SagaOrchestrator(definition: placeOrder, store: store, logger: logger) { saga, db in
///     try await db.update("orders").set("status", to: saga.status == .completed ? "confirmed" : "cancelled")
///         .where("id", .equal, saga.id).run()
/// }
/// // in the ServiceGroup: orchestrator (run() recovers unfinished sagas first)
/// try await orchestrator.start(id: orderID, data: order) { db in try await insertOrder(order, on: db) }
/// let ended = try await orchestrator.waitForEnd(id: orderID, timeout: .seconds(5))
/// ```
public final class SagaOrchestrator<Data: Codable & Sendable>: Service, Sendable {
    /// The saga log's migrations (``SagaMigrations/all``).
    public static var migrations: [Migration] { SagaMigrations.all }

    /// The sagas this orchestrator runs.
    public let definition: SagaDefinition<Data>
    let store: Store
    let logger: Logger
    let onEnd: @Sendable (SagaRecord<Data>, any SQLDatabase) async throws -> Void
    let log: SagaLog<Data>
    let metrics: SagaMetrics
    let endSignals = SagaEndSignals()
    /// Ids handed from ``start(id:data:beforeCommit:)`` to ``run()``.
    let started: (stream: AsyncStream<String>, continuation: AsyncStream<String>.Continuation)
    /// Ids being driven now, so recovery and a start never run one saga twice at once.
    let active = Mutex<Set<String>>([])
    /// Ids inserted in a caller's transaction that may not be committed yet.
    let awaitingCommit = Mutex<Set<String>>([])
    let hasRun = Atomic<Bool>(false)

    /// Creates an orchestrator. `onEnd` runs in the transaction that records the saga's end (completed or
    /// compensated): a row it writes exists if and only if the saga has ended. If it throws, the end is not
    /// recorded and is retried.
    public init(
        definition: SagaDefinition<Data>,
        store: Store,
        logger: Logger,
        metricsFactory: (any MetricsFactory)? = nil,
        onEnd: @escaping @Sendable (SagaRecord<Data>, any SQLDatabase) async throws -> Void = { _, _ in }
    ) {
        self.definition = definition
        self.store = store
        var logger = logger
        logger[metadataKey: "saga"] = .string(definition.name)
        self.logger = logger
        self.onEnd = onEnd
        self.log = SagaLog(definitionName: definition.name)
        self.metrics = SagaMetrics(
            saga: definition.name,
            stepNames: definition.steps.map(\.name),
            factory: metricsFactory ?? MetricsSystem.factory
        )
        self.started = AsyncStream.makeStream(of: String.self)
    }

    /// Persists a new saga and hands it to ``run()``. `beforeCommit` runs in the same transaction (insert the
    /// row the saga is about there), so the saga exists if and only if that row does.
    /// Starting an id that already exists changes nothing and returns the existing record.
    @discardableResult
    public func start(
        id: String,
        data: Data,
        beforeCommit: @escaping @Sendable (any SQLDatabase) async throws -> Void = { _ in }
    ) async throws -> SagaRecord<Data> {
        try definition.validate()
        let record = newRecord(id: id, data: data)
        let log = self.log
        do {
            let existing = try await store.transaction { database -> SagaRecord<Data>? in
                if let existing = try await log.load(id: id, on: database) { return existing }
                try await log.insert(record, on: database)
                try await beforeCommit(database)
                return nil
            }
            if let existing { return existing }
        } catch let error where Store.isUniqueViolation(error) {
            // Another start of the same id won the race; a duplicate of the caller's own row lands here too.
            if let existing = try await self.record(id: id) { return existing }
            throw error
        }
        started.continuation.yield(id)
        return record
    }

    /// Persists a new saga inside the caller's transaction `database` (or in one of its own when `nil`).
    /// The saga starts running once that transaction is visible; if it commits later than a few seconds,
    /// the saga starts at the next ``run()`` (recovery). Starting an id that exists returns the existing record.
    @discardableResult
    public func start(id: String, data: Data, in database: (any SQLDatabase)?) async throws -> SagaRecord<Data> {
        guard let database else { return try await start(id: id, data: data) }
        try definition.validate()
        if let existing = try await log.load(id: id, on: database) { return existing }
        let record = newRecord(id: id, data: data)
        try await log.insert(record, on: database)
        awaitingCommit.withLock { _ = $0.insert(id) }
        started.continuation.yield(id)
        return record
    }

    /// The saga's record as logged now, or `nil` if there is no saga `id`.
    public func record(id: String) async throws -> SagaRecord<Data>? {
        try await log.load(id: id, on: store.sql)
    }

    /// Waits until the saga ends or `timeout` passes, and returns its latest record (`nil` if there is no such
    /// saga). Woken in memory when this orchestrator ends the saga; otherwise reads the log once at the timeout.
    public func waitForEnd(id: String, timeout: Duration) async throws -> SagaRecord<Data>? {
        let (token, ended) = endSignals.register(id: id)
        defer { endSignals.unregister(id: id, token: token) }
        guard let current = try await record(id: id) else { return nil }
        if current.status.isEnded { return current }
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for await _ in ended { break }
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
            }
            _ = await group.next()
            group.cancelAll()
        }
        return try await record(id: id)
    }

    private func newRecord(id: String, data: Data) -> SagaRecord<Data> {
        .started(
            id: id,
            definitionName: definition.name,
            data: data,
            stepNames: definition.steps.map(\.name),
            deadline: definition.deadline,
            now: Date()
        )
    }
}

/// Why ``SagaOrchestrator/run()`` cannot run.
public struct SagaOrchestratorError: Error, Sendable, CustomStringConvertible {
    /// What is wrong.
    public var description: String
}
