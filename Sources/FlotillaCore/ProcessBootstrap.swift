import Synchronization

/// Runs each process-wide bootstrap (logging, metrics, tracing) at most once.
///
/// swift-log, swift-metrics and swift-distributed-tracing may be bootstrapped only once per process;
/// tests start many services in one process, so every bootstrap goes through here.
public enum ProcessBootstrap {
    /// The process-wide systems.
    public enum System: Hashable, Sendable {
        case logging, metrics, tracing
    }

    private static let done = Mutex<Set<System>>([])

    /// Runs `body` if `system` has not been bootstrapped yet; returns whether it ran.
    @discardableResult
    public static func once(_ system: System, _ body: () throws -> Void) rethrows -> Bool {
        try done.withLock { done in
            guard !done.contains(system) else { return false }
            try body()
            done.insert(system)
            return true
        }
    }
}
