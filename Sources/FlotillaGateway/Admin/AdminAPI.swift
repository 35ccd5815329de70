import Foundation
import NIOCore
import NIOHTTP1

/// The admin API (127.0.0.1:8001 by default): status, routes, services, upstream health (and marking targets healthy
/// or unhealthy), metrics, and configuration
/// validate/apply. A rejected configuration names the file, line and field, and the old one keeps serving.
public struct AdminAPI: Sendable {
    /// An admin response.
    public struct Response: Sendable {
        public var status: HTTPResponseStatus
        public var contentType: String
        public var body: String
    }

    let server: GatewayServer
    let startedAt = Date()

    public init(server: GatewayServer) { self.server = server }

    public func handle(method: HTTPMethod, path: String, body: String) async -> Response {
        let snapshot = server.runtime.snapshot
        let configuration = snapshot.configuration
        let segments = path.split(separator: "?").first.map { $0.split(separator: "/").map(String.init) } ?? []
        if method == .GET, segments.count == 3, segments[0] == "upstreams", segments[2] == "health" {
            return upstreamHealth(segments[1], query: path.split(separator: "?", maxSplits: 1).dropFirst().first, snapshot: snapshot)
        }
        if method == .PUT || method == .POST, segments.count == 5, segments[0] == "upstreams", segments[2] == "targets",
            segments[4] == "healthy" || segments[4] == "unhealthy"
        {
            return markTarget(segments[3], of: segments[1], healthy: segments[4] == "healthy", snapshot: snapshot)
        }
        switch (method, segments) {
        case (.GET, ["status"]):
            let idle = await server.idleConnections()
            return json([
                "status": "ok",
                "uptime_seconds": Int(Date().timeIntervalSince(startedAt)),
                "configuration": server.runtime.configurationPath ?? "(applied through the admin API)",
                "services": configuration.services.count,
                "routes": configuration.routes.count,
                "virtual_services": configuration.virtualServices.count,
                "destination_rules": configuration.destinationRules.count,
                "upstream_idle_connections": idle,
                // Which plane accepts connections; on the epoll plane, how it sends (io_uring, or send(2) where
                // io_uring is refused), the connections it handed to NIO and the requests whose plugins ran on their
                // bytes (a route's plugins that never do go the usual way).
                "data_plane": server.options.dataPlane.rawValue,
                "epoll_sends": server.epollSends ?? NSNull(),
                "epoll_hand_offs": server.epollHandOffs,
                "epoll_requests_with_plugins_on_bytes": server.epollRequestsWithAccessOnBytes,
            ])
        case (.GET, ["routes"]):
            let routes = snapshot.routes.map { compiled -> [String: Any] in
                let route = compiled.route
                return [
                    "name": route.name ?? NSNull(), "paths": route.paths, "methods": route.methods, "hosts": route.hosts,
                    "headers": route.headers, "strip_path": route.stripPath, "preserve_host": route.preserveHost,
                    "regex_priority": route.regexPriority,
                    "service": route.serviceIndex.flatMap { configuration.services[$0].name } ?? NSNull(),
                ]
            }
            return json(["data": routes])
        case (.GET, ["services"]):
            let services = configuration.services.map { service -> [String: Any] in
                [
                    "name": service.name ?? NSNull(), "host": service.host, "port": service.port, "path": service.path ?? NSNull(),
                    "retries": service.retries, "connect_timeout": service.connectTimeout.milliseconds,
                    "read_timeout": service.readTimeout.milliseconds, "write_timeout": service.writeTimeout.milliseconds,
                ]
            }
            return json(["data": services])
        case (.GET, ["metrics"]):
            return Response(status: .ok, contentType: "text/plain; version=0.0.4", body: await PrometheusText.render(server: server))
        case (.POST, ["config", "validate"]):
            do {
                let parsed = try GatewayConfigurationLoader.parse(body, file: "request body", plugins: server.runtime.plugins)
                try server.runtime.check(parsed, file: "request body")
                return json(["message": "configuration is valid", "services": parsed.services.count, "routes": parsed.routes.count])
            } catch {
                return json(["message": "\(error)"], status: .badRequest)
            }
        case (.POST, ["config"]):
            do {
                let parsed = try GatewayConfigurationLoader.parse(body, file: "request body", plugins: server.runtime.plugins)
                try server.runtime.install(parsed, file: "request body")
                return json(["message": "configuration applied", "services": parsed.services.count, "routes": parsed.routes.count], status: .created)
            } catch {
                return json(["message": "\(error)"], status: .badRequest)
            }
        default:
            return json(["message": "Not found"], status: .notFound)
        }
    }

    func json(_ object: [String: Any], status: HTTPResponseStatus = .ok) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return Response(status: status, contentType: "application/json; charset=utf-8", body: String(decoding: data, as: UTF8.self))
    }
}

extension Duration {
    var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
