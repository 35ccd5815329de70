import Logging
import ServiceLifecycle

/// Runs a service's start-up work (opening the database, migrations) while the server already
/// answers `/health/live`, retrying with backoff until it succeeds, then marks the service ready.
struct StartupService: Service {
    let tasks: [ServiceKit.StartupTask]
    let readiness: Readiness
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await runTasks()
        }
        // A service that returns ends the group; stay until shutdown.
        try? await gracefulShutdown()
    }

    private func runTasks() async {
        for task in tasks {
            var delay = Duration.milliseconds(200)
            while !Task.isCancelled {
                do {
                    try await task.body()
                    break
                } catch {
                    readiness.noteStartupFailure("\(task.name): \(error)")
                    logger.warning("start-up step failed; retrying", metadata: ["step": .string(task.name), "error": .string("\(error)")])
                    try? await Task.sleep(for: delay)
                    delay = min(delay * 2, .seconds(5))
                }
            }
        }
        guard !Task.isCancelled else { return }
        readiness.markStarted()
        logger.info("ready")
    }
}

/// Turns the service not-ready the moment graceful shutdown begins, before the server stops accepting.
struct ShutdownWatcher: Service {
    let readiness: Readiness
    let logger: Logger

    func run() async throws {
        try? await gracefulShutdown()
        readiness.markShuttingDown()
        logger.info("shutting down: not ready; finishing in-flight requests")
    }
}
