extension ServiceKit {
    /// Runs until SIGTERM or SIGINT and a graceful shutdown (see ``run(onListening:)``), then runs `cleanup`
    /// (closing the service's store) however the run ended.
    public func run(
        onListening: @escaping @Sendable (Int) async -> Void = { _ in },
        cleanup: @Sendable () async -> Void
    ) async throws {
        do {
            try await run(onListening: onListening)
        } catch {
            await cleanup()
            throw error
        }
        await cleanup()
    }
}
