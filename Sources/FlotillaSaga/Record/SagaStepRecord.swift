import Foundation

/// What the saga log knows about one step.
public struct SagaStepRecord: Codable, Sendable, Equatable {
    /// The step's name.
    public var name: String
    /// Where the step is.
    public var status: SagaStepStatus
    /// Attempts of the action so far, across restarts.
    public var attempts: Int
    /// Attempts of the compensation so far, across restarts.
    public var compensationAttempts: Int
    /// When the first attempt began.
    public var startedAt: Date?
    /// When the step reached `succeeded`, `failed` or `compensated`.
    public var endedAt: Date?
    /// The last error or refusal, if any.
    public var lastError: String?

    /// Creates a record (a new step is `pending` with no attempts).
    public init(
        name: String,
        status: SagaStepStatus = .pending,
        attempts: Int = 0,
        compensationAttempts: Int = 0,
        startedAt: Date? = nil,
        endedAt: Date? = nil,
        lastError: String? = nil
    ) {
        self.name = name
        self.status = status
        self.attempts = attempts
        self.compensationAttempts = compensationAttempts
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.lastError = lastError
    }
}
