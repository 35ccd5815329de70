import Foundation

/// Blocking fixture work (a child process waited for, a port polled between sleeps) run on a thread of its own, so
/// that the test's task waits without holding one of the cooperative pool's threads (one per core): two such waits at
/// once would otherwise stop every other test in a parallel run on a two-core machine, and its timeouts with them.
public enum FixtureThread {
    /// Runs `work` on a new thread and returns what it returned.
    public static func run<Value: Sendable>(_ work: @escaping @Sendable () throws -> Value) async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try work() }) }.start()
        }
    }
}
