import FlotillaResilience
import Foundation
import Logging

extension SagaOrchestrator {
    /// Moves `record` forward one logged transition at a time until the saga ends or the orchestrator stops.
    func execute(_ record: inout SagaRecord<Data>, logger: Logger) async throws {
        let compensable = definition.steps.map { $0.compensation != nil }
        while !isStopping {
            switch record.nextMove(now: Date(), compensable: compensable) {
            case .runAction(let index):
                try await attemptAction(index, of: &record, logger: logger)
            case .compensate(let index):
                try await attemptCompensation(index, of: &record, logger: logger)
            case .exceedDeadline:
                record.exceedDeadline(now: Date(), compensable: compensable)
                logger.notice("saga deadline exceeded; compensating")
                try await log.save(record, on: store.sql)
            case .complete:
                try await end(&record, as: .completed, logger: logger)
                return
            case .finishCompensation:
                try await end(&record, as: .compensated, logger: logger)
                return
            case .none:
                return
            }
        }
    }

    /// One attempt of a step's action: logged `running` before, its outcome after.
    private func attemptAction(_ index: Int, of record: inout SagaRecord<Data>, logger: Logger) async throws {
        let step = definition.steps[index]
        let compensable = definition.steps.map { $0.compensation != nil }
        record.beginAction(index, now: Date())
        try await log.save(record, on: store.sql)
        let context = SagaStepContext(
            sagaID: record.id,
            stepName: step.name,
            phase: .action,
            attempt: record.steps[index].attempts,
            deadline: record.deadline,
            logger: logger.with(step: step.name)
        )
        let began = ContinuousClock.now
        let outcome = await Self.runAction(step, data: record.data, context: context)
        metrics.attempt(step: step.name, phase: .action, took: ContinuousClock.now - began)
        switch outcome {
        case .succeeded(let data):
            record.actionSucceeded(index, data: data, now: Date())
            try await log.save(record, on: store.sql)
        case .refused(let reason, let data):
            logger.notice("saga step refused; compensating", metadata: ["step": "\(step.name)", "reason": "\(reason)"])
            record.actionRefused(index, reason: reason, data: data, now: Date(), compensable: compensable)
            try await log.save(record, on: store.sql)
        case .deadlineExceeded:
            record.exceedDeadline(now: Date(), compensable: compensable)
            logger.notice("saga deadline exceeded during a step; compensating", metadata: ["step": "\(step.name)"])
            try await log.save(record, on: store.sql)
        case .failed(let error):
            // Stopped mid-attempt: leave the step `running`; the next run re-runs it with the same key.
            if Task.isCancelled { throw CancellationError() }
            record.actionFailed(index, error: Self.describe(error), now: Date())
            try await log.save(record, on: store.sql)
            let attempt = record.steps[index].attempts
            logger.info("saga step failed; retrying", metadata: ["step": "\(step.name)", "attempt": "\(attempt)", "error": "\(error)"])
            let untilDeadline = Duration.secondsDouble(max(0, record.deadline.timeIntervalSinceNow))
            await pause(for: min(definition.retry.delay(afterAttempt: attempt, phase: .action), untilDeadline))
        }
    }

    /// One attempt of a step's compensation: logged `compensating` before, `compensated` or the error after.
    private func attemptCompensation(_ index: Int, of record: inout SagaRecord<Data>, logger: Logger) async throws {
        let step = definition.steps[index]
        guard let compensation = step.compensation else { return }
        record.beginCompensation(index, now: Date())
        try await log.save(record, on: store.sql)
        let context = SagaStepContext(
            sagaID: record.id,
            stepName: step.name,
            phase: .compensation,
            attempt: record.steps[index].compensationAttempts,
            deadline: record.deadline,
            logger: logger.with(step: step.name)
        )
        let began = ContinuousClock.now
        do {
            try await compensation(record.data, context)
            metrics.attempt(step: step.name, phase: .compensation, took: ContinuousClock.now - began)
            record.compensationSucceeded(index, now: Date())
            try await log.save(record, on: store.sql)
        } catch {
            metrics.attempt(step: step.name, phase: .compensation, took: ContinuousClock.now - began)
            if Task.isCancelled { throw CancellationError() }
            record.compensationFailed(index, error: Self.describe(error), now: Date())
            try await log.save(record, on: store.sql)
            metrics.compensationRetried(step: step.name)
            let attempt = record.steps[index].compensationAttempts
            logger.warning(
                "saga compensation failed; retrying",
                metadata: ["step": "\(step.name)", "attempt": "\(attempt)", "error": "\(error)"]
            )
            await pause(for: definition.retry.delay(afterAttempt: attempt, phase: .compensation))
        }
    }

    /// Records the end and runs `onEnd` in one transaction, then wakes waiters.
    private func end(_ record: inout SagaRecord<Data>, as status: SagaStatus, logger: Logger) async throws {
        record.end(status, now: Date())
        let ended = record
        let log = self.log
        let onEnd = self.onEnd
        try await store.transaction { database in
            try await log.save(ended, on: database)
            try await onEnd(ended, database)
        }
        metrics.sagaEnded(status)
        logger.info("saga ended", metadata: ["status": "\(status.rawValue)", "reason": "\(ended.reason ?? "")"])
        endSignals.signal(id: ended.id)
    }

    /// How one attempt of an action ended.
    enum ActionOutcome: Sendable {
        case succeeded(Data)
        /// Refused, with the data as the action left it (it may drop what it no longer needs, such as a card).
        case refused(String, Data)
        case failed(any Error)
        case deadlineExceeded
    }

    /// Runs the action on a copy of `data`, racing the saga's deadline: if the deadline comes first the
    /// action is cancelled and its outcome is unknown.
    static func runAction(_ step: SagaStep<Data>, data: Data, context: SagaStepContext) async -> ActionOutcome {
        let remaining = context.deadline.timeIntervalSinceNow
        guard remaining > 0 else { return .deadlineExceeded }
        do {
            let result = try await withThrowingTaskGroup(of: ActionOutcome?.self) { group in
                group.addTask {
                    var data = data
                    do {
                        try await step.action(&data, context)
                    } catch let refusal as SagaRefusal {
                        return .refused(refusal.reason, data)
                    }
                    return .succeeded(data)
                }
                group.addTask {
                    try await Task.sleep(for: .secondsDouble(remaining))
                    return nil
                }
                defer { group.cancelAll() }
                return try await group.next() ?? nil
            }
            return result ?? .deadlineExceeded
        } catch let refusal as SagaRefusal {
            return .refused(refusal.reason, data)
        } catch {
            return .failed(error)
        }
    }

    /// An error as recorded in `lastError`: its description, at most 500 characters.
    static func describe(_ error: any Error) -> String {
        String(String(describing: error).prefix(500))
    }
}

extension Logger {
    /// This logger with a `step` metadata value.
    func with(step: String) -> Logger {
        var logger = self
        logger[metadataKey: "step"] = .string(step)
        return logger
    }
}
