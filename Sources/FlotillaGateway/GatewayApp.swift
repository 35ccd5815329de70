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

    public init(
        configurationPath: String,
        options: GatewayServerOptions,
        adminHost: String = "127.0.0.1",
        adminPort: Int = 8001,
        accessLogPath: String? = nil
    ) {
        self.configurationPath = configurationPath
        self.options = options
        self.adminHost = adminHost
        self.adminPort = adminPort
        self.accessLogPath = accessLogPath
    }

    public func run() async throws {
        let plugins = PluginBuilding.kong(PluginServices())
        let configuration = try GatewayConfigurationLoader.load(path: configurationPath, plugins: plugins)
        let accessLog = try accessLogPath.map { try AccessLog(path: $0) }
        let runtime = GatewayRuntime(GatewaySnapshot(configuration), configurationPath: configurationPath, accessLog: accessLog, plugins: plugins)
        let server = GatewayServer(runtime: runtime, options: options)
        let proxy = try await server.start()
        let admin = try await AdminServer.start(api: AdminAPI(server: server), host: adminHost, port: adminPort, group: server.group)
        let report: @Sendable (String) -> Void = { line in FileHandle.standardError.write(Data("flotilla gateway: \(line)\n".utf8)) }
        report(
            "proxy listening on \(proxy.localAddress.map { "\($0)" } ?? "?"), admin on \(admin.localAddress.map { "\($0)" } ?? "?"); "
                + "\(configuration.services.count) services, \(configuration.routes.count) routes, "
                + "\(configuration.virtualServices.count) VirtualServices, \(configuration.destinationRules.count) DestinationRules"
        )
        let reloader = ConfigurationReloader(runtime: runtime, report: report)
        let stop = await UnixSignalsSequence(trapping: .sigint, .sigterm)
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await reloader.run() }
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
        accessLog?.flush()
        try await server.shutdown()
    }
}
