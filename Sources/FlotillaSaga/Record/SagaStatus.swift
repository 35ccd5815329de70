/// Where a saga is: running its steps forward, compensating, or ended one way or the other.
public enum SagaStatus: String, Codable, Sendable, CaseIterable {
    case running, compensating, completed, compensated

    /// Whether the saga has ended (`completed` or `compensated`).
    public var isEnded: Bool { self == .completed || self == .compensated }
}

/// Where one step is.
///
/// `running` means an attempt started and its outcome is not known yet (a transient failure keeps the step
/// `running`, with `lastError`); `failed` means the action was refused, so there is nothing to undo;
/// `skipped` means the saga was compensated before the step ran.
public enum SagaStepStatus: String, Codable, Sendable, CaseIterable {
    case pending, running, succeeded, failed, compensating, compensated, skipped
}
