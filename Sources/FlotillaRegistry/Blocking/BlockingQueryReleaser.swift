import FlotillaHTTP
import ServiceLifecycle

/// Answers the held blocking queries as soon as the registry starts shutting down (readiness
/// turns to "shutting down"), so the server's drain is not kept waiting by requests that could
/// be held for minutes. The service group shuts services down in reverse order, the server
/// before this one, so it watches readiness rather than waiting for its own turn.
public struct BlockingQueryReleaser: Service {
    /// The notifier whose waiters are released.
    public let notifier: ChangeNotifier
    /// The kit's readiness, marked shutting down first thing on SIGTERM.
    public let readiness: Readiness

    /// Creates the releaser.
    public init(notifier: ChangeNotifier, readiness: Readiness) {
        self.notifier = notifier
        self.readiness = readiness
    }

    public func run() async throws {
        while !Task.isCancelled, !readiness.isShuttingDown {
            try? await Task.sleep(for: .milliseconds(50))
        }
        notifier.close()
        try? await gracefulShutdown()
    }
}
