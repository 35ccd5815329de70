import FlotillaCore
import Synchronization

/// A value a service computes during start-up (a signing key, a loaded catalogue) and its routes read.
///
/// Reading it before start-up set it is a 503 problem, never a crash.
public final class StartupValue<Value: Sendable>: Sendable {
    private let storage = Mutex<Value?>(nil)

    /// Creates an empty holder.
    public init() {}

    /// Sets the value (the start-up task does this).
    public func set(_ value: Value) { storage.withLock { $0 = value } }

    /// The value, or a 503 problem while the service is starting.
    public func get() throws -> Value {
        guard let value = storage.withLock({ $0 }) else {
            throw ProblemDetails.unavailable("The service is starting; retry shortly.")
        }
        return value
    }
}
