/// A named list of steps, with the deadline each saga has for its forward steps and the retry policy.
///
/// ```swift
/// let placeOrder = SagaDefinition<Order>(name: "place-order", steps: [reserve, charge, schedule], deadline: .seconds(30))
/// ```
public struct SagaDefinition<Data: Codable & Sendable>: Sendable {
    /// The saga's name: a metrics label, and the key under which its sagas are logged.
    public let name: String
    /// The steps, run in order; compensated in reverse.
    public let steps: [SagaStep<Data>]
    /// How long after it starts a saga may still run forward steps.
    public let deadline: Duration
    /// Backoff between attempts.
    public let retry: SagaRetryPolicy

    /// Creates a definition.
    public init(name: String, steps: [SagaStep<Data>], deadline: Duration = .seconds(30), retry: SagaRetryPolicy = .default) {
        self.name = name
        self.steps = steps
        self.deadline = deadline
        self.retry = retry
    }

    /// Throws ``SagaDefinitionError`` unless the name and step names are usable and the deadline positive.
    public func validate() throws(SagaDefinitionError) {
        if name.isEmpty { throw SagaDefinitionError("saga name is empty") }
        if steps.isEmpty { throw SagaDefinitionError("saga \(name) has no steps") }
        var seen: Set<String> = []
        for step in steps {
            if step.name.isEmpty { throw SagaDefinitionError("saga \(name) has a step with an empty name") }
            if !seen.insert(step.name).inserted { throw SagaDefinitionError("saga \(name) has two steps named \(step.name)") }
        }
        if deadline <= .zero { throw SagaDefinitionError("saga \(name) deadline \(deadline) is not > 0") }
    }
}

/// Why a ``SagaDefinition`` cannot run.
public struct SagaDefinitionError: Error, Sendable, CustomStringConvertible {
    /// What is wrong.
    public var description: String

    init(_ description: String) {
        self.description = description
    }
}
