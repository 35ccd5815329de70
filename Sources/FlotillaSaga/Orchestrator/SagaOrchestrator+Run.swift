import Foundation
import Logging
import ServiceLifecycle

extension SagaOrchestrator {
    /// Resumes every saga of this definition that had not ended (recovery), then runs started sagas, each in a
    /// child task, until cancelled or shut down gracefully. On graceful shutdown it stops taking new sagas and
    /// every running saga stops before its next attempt; on cancellation in-flight attempts are cancelled.
    /// Either way the log says where each saga was, and the next `run()` (of any orchestrator on the same
    /// store) resumes it. An orchestrator runs once.
    public func run() async throws {
        try definition.validate()
        guard !hasRun.exchange(true, ordering: .relaxed) else {
            throw SagaOrchestratorError(description: "saga orchestrator \(definition.name) is already running or has run")
        }
        let unfinished = try await log.unfinishedIDs(on: store.sql)
        logger.info("saga orchestrator starting", metadata: ["recovering": "\(unfinished.count)"])
        let started = self.started
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                for id in unfinished {
                    group.addTask { await self.drive(id: id) }
                }
                for await id in started.stream {
                    group.addTask { await self.drive(id: id) }
                }
            }
        } onGracefulShutdown: {
            started.continuation.finish()
        }
        logger.info("saga orchestrator stopped")
    }

    /// Whether sagas should stop before their next attempt.
    var isStopping: Bool { Task.isCancelled || Task.isShuttingDownGracefully }

    /// Runs saga `id` until it ends or the orchestrator stops. Errors of the log itself (a database that is
    /// briefly gone) are retried with capped backoff; the saga resumes from what was last written.
    func drive(id: String) async {
        guard active.withLock({ $0.insert(id).inserted }) else { return }
        defer { _ = active.withLock { $0.remove(id) } }
        metrics.sagaBegan()
        defer { metrics.sagaLeft() }
        var logger = self.logger
        logger[metadataKey: "saga_id"] = .string(id)
        var failures = 0
        var misses = 0
        while !isStopping {
            do {
                guard var record = try await log.load(id: id, on: store.sql) else {
                    // Inserted in a caller's transaction that has not committed (or was rolled back).
                    guard awaitingCommit.withLock({ $0.contains(id) }), misses < 50 else {
                        awaitingCommit.withLock { _ = $0.remove(id) }
                        return
                    }
                    misses += 1
                    await pause(for: .milliseconds(min(200, 10 * misses)))
                    continue
                }
                awaitingCommit.withLock { _ = $0.remove(id) }
                try await execute(&record, logger: logger)
                return
            } catch {
                if isStopping { return }
                failures += 1
                logger.error("saga log error; retrying", metadata: ["error": "\(error)", "failures": "\(failures)"])
                await pause(for: definition.retry.delay(afterAttempt: failures, phase: .compensation))
            }
        }
    }

    /// Sleeps for `delay`, waking early on cancellation or graceful shutdown.
    func pause(for delay: Duration) async {
        guard delay > .zero, !isStopping else { return }
        try? await cancelWhenGracefulShutdown {
            try await Task.sleep(for: delay)
        }
    }
}
