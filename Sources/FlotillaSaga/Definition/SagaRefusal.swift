/// A business refusal (a declined card, stock that is not there): never retried; the saga compensates
/// its completed steps in reverse order and ends `compensated` with this reason.
///
/// Any other error a step throws is transient and retried until the saga's deadline.
public struct SagaRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    /// Why, in words a person can read (it becomes the saga's `reason`).
    public var reason: String

    /// A refusal for `reason`.
    public init(_ reason: String) {
        self.reason = reason
    }

    public var description: String { "refused: \(reason)" }
}
