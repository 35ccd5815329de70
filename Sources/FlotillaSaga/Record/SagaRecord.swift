import Foundation

/// What the saga log knows about one saga: its status, data and every step.
public struct SagaRecord<Data: Sendable>: Sendable {
    /// The saga's id (chosen by whoever starts it, e.g. the order id).
    public var id: String
    /// The ``SagaDefinition`` name.
    public var definitionName: String
    /// Where the saga is.
    public var status: SagaStatus
    /// Why it was compensated: a refusal's reason or `"deadline exceeded"`; `nil` otherwise.
    public var reason: String?
    /// The data the steps read and update.
    public var data: Data
    /// One record per step, in the definition's order.
    public var steps: [SagaStepRecord]
    /// When the saga was started.
    public var createdAt: Date
    /// When the log last changed.
    public var updatedAt: Date
    /// When forward steps must be done.
    public var deadline: Date

    /// Creates a record.
    public init(
        id: String,
        definitionName: String,
        status: SagaStatus,
        reason: String? = nil,
        data: Data,
        steps: [SagaStepRecord],
        createdAt: Date,
        updatedAt: Date,
        deadline: Date
    ) {
        self.id = id
        self.definitionName = definitionName
        self.status = status
        self.reason = reason
        self.data = data
        self.steps = steps
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.deadline = deadline
    }

    /// The step named `name`, if the saga has one.
    public func step(_ name: String) -> SagaStepRecord? {
        steps.first { $0.name == name }
    }
}

extension SagaRecord: Equatable where Data: Equatable {}
extension SagaRecord: Codable where Data: Codable {}
