import ArgumentParser

/// The `flotilla` command: runs Flotilla's services and tools.
@main
struct Flotilla: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flotilla",
        abstract: "Build, run and ship microservices in Swift.",
        discussion: """
            Flotilla runs the services of its reference order system. Each service reads its settings \
            from flags, then environment variables (PORT, DATABASE_URL, LOG_LEVEL, ...), then defaults.

            Start user-service on its default port (9001) with an SQLite file under .flotilla/data:
              flotilla serve user-service
            """,
        subcommands: [Serve.self, RegistryCommand.self, GatewayCommand.self]
    )
}
