/// Bounds how long an operation may run: the operation and a sleep race in a task group;
/// if the sleep wins, the operation's task is cancelled and ``TimeoutError`` is thrown.
///
/// Cancellation is cooperative: the policy returns once the cancelled operation has
/// actually stopped (structured concurrency never leaks the child task).
///
/// ```swift
/// let timeout = TimeoutPolicy(timeout: .seconds(2), operationName: "GET /users")
/// let users = try await timeout.run { try await api.users() }
/// ```
public struct TimeoutPolicy: Sendable {
    /// The time limit.
    public var timeout: Duration
    /// The name reported in ``TimeoutError``.
    public var operationName: String
    /// Measures the time limit.
    public var clock: any ResilienceClock

    /// Creates a timeout policy.
    public init(timeout: Duration, operationName: String = "operation", clock: any ResilienceClock = SystemClock()) {
        self.timeout = timeout
        self.operationName = operationName
        self.clock = clock
    }

    /// Runs `operation` with the time limit; `name` overrides ``operationName`` in the error.
    public func run<T: Sendable>(
        name: String? = nil,
        _ operation: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        let deadline = clock.now.advanced(by: timeout)
        let clock = self.clock
        return try await withThrowingTaskGroup(of: TimeoutRace<T>.self) { group in
            group.addTask { .finished(try await operation()) }
            group.addTask {
                try await clock.sleep(until: deadline)
                return .timedOut
            }
            defer { group.cancelAll() }
            switch try await group.next() {
            case .finished(let value):
                return value
            case .timedOut, nil:
                throw TimeoutError(operation: name ?? operationName, timeout: timeout)
            }
        }
    }
}

/// Which side of the race finished first.
enum TimeoutRace<T: Sendable>: Sendable {
    case finished(T)
    case timedOut
}
