/// One step of a saga: an action that may update the saga's data, and a compensation that undoes it
/// (`nil` when there is nothing to undo).
///
/// ```swift
/// SagaStep<Order>("charge",
///     action: { order, context in order.paymentID = try await payments.charge(order, key: context.idempotencyKey) },
///     compensation: { order, context in try await payments.refund(order, key: context.idempotencyKey) })
/// ```
///
/// An action may run more than once (retries, recovery after a crash) with the same idempotency key;
/// a compensation may run when the action never happened (its outcome was unknown) and must then do nothing.
public struct SagaStep<Data: Codable & Sendable>: Sendable {
    /// Runs the step; changes to `data` are saved when it returns.
    public typealias Action = @Sendable (inout Data, SagaStepContext) async throws -> Void
    /// Undoes the step, given the saga's data as saved.
    public typealias Compensation = @Sendable (Data, SagaStepContext) async throws -> Void

    /// The step's name: unique within its saga, part of the idempotency key.
    public let name: String
    /// The forward action.
    public let action: Action
    /// The undo, if any.
    public let compensation: Compensation?

    /// Creates a step.
    public init(_ name: String, action: @escaping Action, compensation: Compensation? = nil) {
        self.name = name
        self.action = action
        self.compensation = compensation
    }
}
