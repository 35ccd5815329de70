import FlotillaCore
import FlotillaSaga
import FlotillaStore
import FlotillaTesting
import Foundation
import Logging
import MetricsTestKit
import SQLKit
import Synchronization
import Testing

/// The engines every saga test runs on.
enum SagaEngine: String, CaseIterable, CustomStringConvertible, Sendable {
    case sqlite, postgres
    var description: String { rawValue }

    /// A new, empty database on this engine.
    func freshLocation() throws -> DatabaseLocation {
        switch self {
        case .sqlite:
            let folder = try Command.temporaryDirectory(prefix: "flotilla-saga")
            return .sqlite(path: folder.appendingPathComponent("saga.sqlite").path)
        case .postgres:
            return .postgres(url: try PostgresServer.freshDatabase(prefix: "saga"))
        }
    }
}

/// The data the test sagas carry: which actions ran, in order.
struct Trip: Codable, Sendable, Equatable {
    var traveller: String
    var done: [String] = []
}

/// A transient failure, as a timeout or a 503 would be.
struct Flaky: Error, CustomStringConvertible {
    var description: String { "flaky downstream" }
}

/// Every call the steps received, in order.
actor CallLog {
    struct Call: Equatable, Sendable, CustomStringConvertible {
        var saga: String
        var step: String
        var phase: SagaStepContext.Phase
        var key: String
        var attempt: Int
        var description: String { "\(saga) \(step).\(phase.rawValue)#\(attempt) \(key)" }
    }

    private(set) var calls: [Call] = []

    func record(_ context: SagaStepContext) {
        calls.append(Call(saga: context.sagaID, step: context.stepName, phase: context.phase, key: context.idempotencyKey, attempt: context.attempt))
    }

    func calls(saga: String) -> [Call] { calls.filter { $0.saga == saga } }

    func count(saga: String, step: String, phase: SagaStepContext.Phase) -> Int {
        calls.filter { $0.saga == saga && $0.step == step && $0.phase == phase }.count
    }
}

/// What a scripted step does on attempt `n`: return, throw (a `SagaRefusal` or a transient error) or block.
typealias Behaviour = @Sendable (_ sagaID: String, _ attempt: Int) async throws -> Void

/// Builds the seed's saga (reserve → charge → schedule) with scripted behaviours, on a fresh migrated store.
struct SagaFixture {
    static let stepNames = ["reserve", "charge", "schedule"]
    static let tinyRetry = SagaRetryPolicy(baseDelay: .milliseconds(1), maxDelay: .milliseconds(5), compensationMaxDelay: .milliseconds(5))

    /// Quiet: retries log at info and warning, which would drown the test output.
    static let logger: Logger = {
        var logger = Logger(label: "saga-test")
        logger.logLevel = .error
        return logger
    }()

    let engine: SagaEngine
    let store: Store
    let location: DatabaseLocation
    let calls = CallLog()
    let metrics = TestMetrics()

    init(engine: SagaEngine) async throws {
        self.engine = engine
        location = try engine.freshLocation()
        store = try Store(location: location, logger: Logger(label: "saga-test"))
        try await store.migrate(SagaMigrations.all + [Self.endedTable])
    }

    /// A table the tests' `onEnd` writes to.
    static let endedTable = Migration(version: 1, name: "ended sagas") { db in
        try await db.create(table: "ended_sagas")
            .column("id", type: .text, .primaryKey(autoIncrement: false))
            .column("status", type: .text, .notNull)
            .run()
    }

    /// A step that records every call, then behaves as scripted; its action appends its name to `done`.
    func step(_ name: String, action: Behaviour? = nil, compensation: Behaviour? = nil) -> SagaStep<Trip> {
        let calls = self.calls
        return SagaStep(
            name,
            action: { trip, context in
                await calls.record(context)
                try await action?(context.sagaID, context.attempt)
                trip.done.append(name)
            },
            compensation: { _, context in
                await calls.record(context)
                try await compensation?(context.sagaID, context.attempt)
            }
        )
    }

    /// An orchestrator of `reserve → charge → schedule` where `behaviours[step]` scripts the action and
    /// `compensations[step]` the compensation.
    func orchestrator(
        actions: [String: Behaviour] = [:],
        compensations: [String: Behaviour] = [:],
        deadline: Duration = .seconds(30),
        onEnd: @escaping @Sendable (SagaRecord<Trip>, any SQLDatabase) async throws -> Void = { _, _ in }
    ) -> SagaOrchestrator<Trip> {
        let steps = Self.stepNames.map { step($0, action: actions[$0], compensation: compensations[$0]) }
        return SagaOrchestrator(
            definition: SagaDefinition(name: "trip", steps: steps, deadline: deadline, retry: Self.tinyRetry),
            store: store,
            logger: Self.logger,
            metricsFactory: metrics,
            onEnd: onEnd
        )
    }

    func sagaCount(outcome: SagaStatus) throws -> Int64 {
        try metrics.expectCounter("flotilla_sagas_total", [("saga", "trip"), ("outcome", outcome.rawValue)]).totalValue
    }

    func shutdown() async {
        await store.shutdown()
    }
}

/// Runs `orchestrator` in a child task while `body` runs, then cancels it.
func whileRunning<T: Sendable>(_ orchestrator: SagaOrchestrator<Trip>, _ body: () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await orchestrator.run() }
        defer { group.cancelAll() }
        return try await body()
    }
}

/// Polls `condition` every 10 ms until it holds or `timeout` passes (tests only: the library never polls).
func eventually(timeout: Duration = .seconds(10), _ condition: () async throws -> Bool) async throws -> Bool {
    let end = ContinuousClock.now + timeout
    while ContinuousClock.now < end {
        if try await condition() { return true }
        try await Task.sleep(for: .milliseconds(10))
    }
    return try await condition()
}

/// A behaviour that blocks until cancelled.
let blockForever: Behaviour = { _, _ in
    try await Task.sleep(for: .seconds(3600))
}

/// A count shared with `@Sendable` closures.
final class Tally: Sendable {
    private let count = Atomic(0)
    func add() { count.add(1, ordering: .relaxed) }
    var value: Int { count.load(ordering: .relaxed) }
}

/// A flag shared with `@Sendable` closures.
final class Switch: Sendable {
    private let on = Atomic(false)
    func flip() { on.store(true, ordering: .relaxed) }
    var isOn: Bool { on.load(ordering: .relaxed) }
}
