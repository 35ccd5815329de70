import ServiceLifecycle

/// Runs a service only once the kit's start-up work is done (migrations applied, keys loaded), so a
/// background worker never touches a database that is not ready. Until then it waits, and a shutdown
/// that comes first ends it without running the service.
struct AfterStartUpService: Service {
    let service: any Service
    let readiness: Readiness

    func run() async throws {
        while !readiness.hasStarted {
            if Task.isCancelled || Task.isShuttingDownGracefully { return }
            try? await Task.sleep(for: .milliseconds(20))
        }
        try await service.run()
    }
}
