import ArgumentParser
import FlotillaDiscovery
import FlotillaGateway
import Foundation

/// `flotilla gateway`: the API gateway (Kong declarative configuration and Istio traffic rules) in the foreground.
struct GatewayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gateway",
        abstract: "Run the API gateway (Kong declarative config and Istio VirtualService/DestinationRule).",
        discussion: """
            Loads Kong declarative YAML (services, routes, upstreams, plugins, consumers) and Istio \
            VirtualService, DestinationRule and ServiceEntry documents from one file (separate them \
            with ---). Reloads on SIGHUP and when the file changes; a bad new file is rejected and the \
            old configuration keeps serving. The admin API (status, routes, services, upstream health, \
            metrics, config validate/apply) listens on 127.0.0.1 only. Hosts named NAME.service.consul \
            (or TAG.NAME.service.consul) take the registry's passing instances of NAME, kept current \
            with blocking queries. See docs/GATEWAY.md.

            Environment: REGISTRY_URL or CONSUL_HTTP_ADDR (the registry, when --registry is not given).
            """
    )

    @Option(name: .long, help: "The gateway configuration (YAML).") var config: String
    @Option(name: .long, help: "Proxy port.") var port: Int = 8080
    @Option(name: .long, help: "Proxy listening address.") var host: String = "0.0.0.0"
    @Option(name: .customLong("admin-port"), help: "Admin API port (listens on 127.0.0.1).") var adminPort: Int = 8001
    @Option(name: .customLong("access-log"), help: "Write a JSON access log here (- for standard output).") var accessLog: String?
    @Option(name: .customLong("max-body-size"), help: "Largest request body in bytes (413 beyond); default no limit.") var maxBodySize: Int?
    @Option(name: .long, help: "Event loop threads (default: one per core).") var threads: Int?
    @Option(
        name: .customLong("data-plane"),
        help:
            "epoll (default): plain requests on plain routes skip SwiftNIO's channel pipeline (Linux only; elsewhere as nio); nio: everything on SwiftNIO."
    ) var dataPlane: GatewayDataPlane = .epoll
    @Option(
        name: .customLong("io-uring"),
        help:
            "on (default): the epoll plane sends each wake's answers in one io_uring call; off: a send(2) per socket (also what happens where the kernel refuses io_uring)."
    ) var ioUring: Switch = .on
    @Option(
        name: .long,
        help: "The registry (Consul HTTP API) answering NAME.service.consul hosts (default: REGISTRY_URL, else CONSUL_HTTP_ADDR)."
    ) var registry: String?

    func run() async throws {
        guard (0...65535).contains(port), (0...65535).contains(adminPort) else {
            FileHandle.standardError.write(Data("flotilla: --port and --admin-port must be from 0 to 65535\n".utf8))
            throw ExitCode(78)
        }
        let options = GatewayServerOptions(
            host: host,
            port: port,
            maxRequestBodySize: maxBodySize,
            threads: threads,
            dataPlane: dataPlane,
            sendsThroughIOUring: ioUring == .on
        )
        let app = GatewayApp(
            configurationPath: config,
            options: options,
            adminPort: adminPort,
            accessLogPath: accessLog,
            registryURL: registry ?? RegistryClient.url(fromEnvironment: ProcessInfo.processInfo.environment)
        )
        do {
            try await app.run()
        } catch let error as GatewayConfigurationError {
            FileHandle.standardError.write(Data("flotilla: \(error)\n".utf8))
            throw ExitCode(78)
        }
    }
}

extension GatewayDataPlane: ExpressibleByArgument {}

/// An option that is on or off (`--io-uring off`).
enum Switch: String, CaseIterable, ExpressibleByArgument {
    case on
    case off
}
