/// What a saga does next, decided from its record alone (so recovery after a crash decides the same way).
enum SagaMove: Equatable, Sendable {
    /// Run (or re-run) the action of the step at this index.
    case runAction(Int)
    /// Run (or re-run) the compensation of the step at this index.
    case compensate(Int)
    /// The deadline passed before the forward steps were done: start compensating.
    case exceedDeadline
    /// Every step succeeded: end `completed`.
    case complete
    /// Everything that needed undoing is undone: end `compensated`.
    case finishCompensation
    /// The saga has ended: nothing to do.
    case none
}
