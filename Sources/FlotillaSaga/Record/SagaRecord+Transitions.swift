import Foundation

/// The saga state machine: pure changes to a record, each saved to the log by the orchestrator.
///
/// `compensable[i]` says whether step `i` has a compensation; steps without one are never compensated.
extension SagaRecord {
    /// The reason recorded when the deadline passes during forward steps.
    static var deadlineExceededReason: String { "deadline exceeded" }

    /// A new saga: `running`, every step `pending`.
    static func started(id: String, definitionName: String, data: Data, stepNames: [String], deadline: Duration, now: Date) -> Self {
        SagaRecord(
            id: id,
            definitionName: definitionName,
            status: .running,
            data: data,
            steps: stepNames.map { SagaStepRecord(name: $0) },
            createdAt: now,
            updatedAt: now,
            deadline: now.addingTimeInterval(deadline.secondsInterval)
        )
    }

    /// What to do next.
    func nextMove(now: Date, compensable: [Bool]) -> SagaMove {
        switch status {
        case .completed, .compensated:
            return .none
        case .running:
            guard let index = steps.firstIndex(where: { $0.status != .succeeded }) else { return .complete }
            return now >= deadline ? .exceedDeadline : .runAction(index)
        case .compensating:
            let undoable: Set<SagaStepStatus> = [.succeeded, .running, .compensating]
            let index = steps.indices.reversed().first { compensable[$0] && undoable.contains(steps[$0].status) }
            return index.map(SagaMove.compensate) ?? .finishCompensation
        }
    }

    /// An attempt of step `index`'s action begins.
    mutating func beginAction(_ index: Int, now: Date) {
        steps[index].status = .running
        steps[index].attempts += 1
        if steps[index].startedAt == nil { steps[index].startedAt = now }
        updatedAt = now
    }

    /// The action succeeded and left `data`.
    mutating func actionSucceeded(_ index: Int, data: Data, now: Date) {
        self.data = data
        steps[index].status = .succeeded
        steps[index].endedAt = now
        steps[index].lastError = nil
        updatedAt = now
    }

    /// The action failed transiently: its outcome is unknown, it stays `running` and is retried.
    mutating func actionFailed(_ index: Int, error: String, now: Date) {
        steps[index].lastError = error
        updatedAt = now
    }

    /// The action was refused: nothing of it to undo; the steps before it are compensated.
    mutating func actionRefused(_ index: Int, reason: String, data: Data? = nil, now: Date, compensable: [Bool]) {
        if let data { self.data = data }
        steps[index].status = .failed
        steps[index].lastError = reason
        steps[index].endedAt = now
        beginCompensating(reason: reason, now: now, compensable: compensable)
    }

    /// The deadline passed: a step whose outcome is unknown is compensated along with the succeeded ones.
    mutating func exceedDeadline(now: Date, compensable: [Bool]) {
        for index in steps.indices where steps[index].status == .running {
            steps[index].lastError = Self.deadlineExceededReason
        }
        beginCompensating(reason: Self.deadlineExceededReason, now: now, compensable: compensable)
    }

    /// An attempt of step `index`'s compensation begins.
    mutating func beginCompensation(_ index: Int, now: Date) {
        steps[index].status = .compensating
        steps[index].compensationAttempts += 1
        updatedAt = now
    }

    /// The compensation failed; it is retried until it succeeds.
    mutating func compensationFailed(_ index: Int, error: String, now: Date) {
        steps[index].lastError = error
        updatedAt = now
    }

    /// The compensation succeeded.
    mutating func compensationSucceeded(_ index: Int, now: Date) {
        steps[index].status = .compensated
        steps[index].endedAt = now
        updatedAt = now
    }

    /// The saga ends with `status` (`completed` or `compensated`).
    mutating func end(_ status: SagaStatus, now: Date) {
        self.status = status
        updatedAt = now
    }

    private mutating func beginCompensating(reason: String, now: Date, compensable: [Bool]) {
        status = .compensating
        self.reason = reason
        for index in steps.indices {
            switch steps[index].status {
            case .pending:
                steps[index].status = .skipped
            case .running where !compensable[index]:
                // Outcome unknown and nothing can undo it: say so rather than leave it "running".
                steps[index].status = .failed
                steps[index].endedAt = now
            default:
                break
            }
        }
        updatedAt = now
    }
}

extension Duration {
    /// This duration as a `TimeInterval`.
    var secondsInterval: TimeInterval {
        let (seconds, attoseconds) = components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }
}
