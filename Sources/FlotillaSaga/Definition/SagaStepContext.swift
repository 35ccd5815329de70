import Foundation
import Logging

/// What a step's action and compensation get: who is calling, which attempt this is, and the key that
/// lets the downstream apply the call at most once.
public struct SagaStepContext: Sendable {
    /// Whether the call runs a step's action or its compensation.
    public enum Phase: String, Sendable {
        case action, compensation
    }

    /// The saga's id.
    public let sagaID: String
    /// The step's name.
    public let stepName: String
    /// Action or compensation.
    public let phase: Phase
    /// 1-based; counts every attempt of this phase of this step, across retries and restarts.
    public let attempt: Int
    /// `"\(sagaID):\(stepName):action"` or `"…:compensation"`: the same for every retry and after recovery,
    /// so send it as the `Idempotency-Key` of the downstream call.
    public var idempotencyKey: String
    /// When the saga's forward steps must be done; compensations are not bound by it.
    public let deadline: Date
    /// A logger carrying the saga id and step name.
    public var logger: Logger

    /// Creates a context (the orchestrator does this; tests of a step may too).
    public init(sagaID: String, stepName: String, phase: Phase, attempt: Int, deadline: Date, logger: Logger) {
        self.sagaID = sagaID
        self.stepName = stepName
        self.phase = phase
        self.attempt = attempt
        self.idempotencyKey = Self.idempotencyKey(sagaID: sagaID, stepName: stepName, phase: phase)
        self.deadline = deadline
        self.logger = logger
    }

    /// The idempotency key of one phase of one step of one saga.
    public static func idempotencyKey(sagaID: String, stepName: String, phase: Phase) -> String {
        "\(sagaID):\(stepName):\(phase.rawValue)"
    }
}
