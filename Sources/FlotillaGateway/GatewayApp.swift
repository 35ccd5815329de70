import AsyncHTTPClient
import FlotillaDiscovery
import Foundation
import NIOCore
import NIOPosix
import UnixSignals

/// Runs the whole gateway: proxy, admin API and reloader, until SIGINT or SIGTERM.
public struct GatewayApp: Sendable {
    public var configurationPath: String
    public var options: GatewayServerOptions
    public var adminHost: String
    public var adminPort: Int
    public var accessLogPath: String?
    /// The registry (Consul HTTP API) that answers `NAME.service.consul` hosts; nil when there is none.
    public var registryURL: String?

    public init(
        configurationPath: String,
        options: GatewayServerOptions,
        adminHost: String = "127.0.0.1",
        adminPort: Int = 8001,
        accessLogPath: String? = nil,
        registryURL: String? = nil
    ) {
        self.configurationPath = configurationPath
        self.options = options
        self.adminHost = adminHost
        self.adminPort = adminPort
        self.accessLogPath = accessLogPath
        self.registryURL = registryURL
    }

    public func run() async throws {
        let plugins = PluginBuilding.kong(PluginServices())
        let configuration = try GatewayConfigurationLoader.load(path: configurationPath, plugins: plugins)
        let accessLog = try accessLogPath.map { try AccessLog(path: $0) }
        let report: @Sendable (String) -> Void = { line in FileHandle.standardError.write(Data("flotilla gateway: \(line)\n".utf8)) }
        let runtime = GatewayRuntime(
            GatewaySnapshot(configuration),
            configurationPath: configurationPath,
            accessLog: accessLog,
            plugins: plugins,
            usesRegistry: registryURL != nil,
            errorLog: report
        )
        try runtime.check(configuration, file: configurationPath)
        let server = GatewayServer(runtime: runtime, options: options)
        let proxy = try await server.start()
        let admin = try await AdminServer.start(api: AdminAPI(server: server), host: adminHost, port: adminPort, group: server.group)
        report(
            "proxy listening on \(proxy.localAddress.map { "\($0)" } ?? "?"), admin on \(admin.localAddress.map { "\($0)" } ?? "?"); "
                + "\(configuration.services.count) services, \(configuration.routes.count) routes, "
                + "\(configuration.virtualServices.count) VirtualServices, \(configuration.destinationRules.count) DestinationRules"
        )
        let reloader = ConfigurationReloader(runtime: runtime, report: report)
        let registry = registryURL.map { url -> (http: HTTPClient, targets: RegistryTargets) in
            // One blocking query per watched service is held open: allow more than the default 8 connections.
            let http = HTTPClient(
                eventLoopGroupProvider: .singleton,
                configuration: .init(connectionPool: .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 256))
            )
            let client = RegistryClient(baseURL: url, httpClient: http, timeout: .seconds(5))
            return (http, RegistryTargets(runtime: runtime, client: client, report: report))
        }
        if let registryURL { report("registry hosts (NAME.service.consul) from \(registryURL)") }
        let stop = await UnixSignalsSequence(trapping: .sigint, .sigterm)
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await reloader.run() }
            if let targets = registry?.targets { group.addTask { await targets.run() } }
            group.addTask { await HealthCheckRunner(runtime: runtime, group: server.group).run() }
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: .milliseconds(200))
                    accessLog?.flush()
                }
            }
            group.addTask {
                for await _ in stop { break }
            }
            await group.next()
            group.cancelAll()
        }
        report("shutting down")
        try? await proxy.close()
        try? await admin.close()
        try? await registry?.http.shutdown()
        accessLog?.flush()
        try await server.shutdown()
    }
}
