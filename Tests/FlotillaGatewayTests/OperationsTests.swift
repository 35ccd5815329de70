import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Testing

@testable import FlotillaGateway

@Suite("Operations: reload, admin API, metrics")
struct OperationsTests {
    static func config(_ port: Int, path: String) -> String {
        """
        services:
          - name: api
            url: http://127.0.0.1:\(port)
            routes:
              - name: api-route
                paths: [\(path)]
        """
    }

    @Test("reload under load: zero failed requests while the configuration is swapped 20 times")
    func reloadUnderLoad() async throws {
        let upstream = try await TestUpstream.start(name: "u1")
        let gateway = try await GatewayFixture.start(Self.config(upstream.port, path: "/a") + "\n      - {name: b, paths: [/b]}\n", threads: 2)
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let reloader = ConfigurationReloader(runtime: gateway.server.runtime) { _ in }
        do {
            let results = try await withThrowingTaskGroup(of: (ok: Int, failed: Int).self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        var ok = 0
                        var failed = 0
                        let deadline = ContinuousClock.now + .seconds(3)
                        while ContinuousClock.now < deadline {
                            let reply = try await client.send(.GET, "\(gateway.base)/a/slow/5")
                            if reply.status == 200 { ok += 1 } else { failed += 1 }
                        }
                        return (ok, failed)
                    }
                }
                group.addTask {
                    for index in 0..<20 {
                        let extra = index.isMultiple(of: 2) ? "\n      - {name: c, paths: [/c]}\n" : "\n      - {name: b, paths: [/b]}\n"
                        try (Self.config(upstream.port, path: "/a") + extra).write(
                            toFile: gateway.configurationPath,
                            atomically: true,
                            encoding: .utf8
                        )
                        #expect(reloader.reloadNow(reason: "test"))
                        try await Task.sleep(for: .milliseconds(100))
                    }
                    return (0, 0)
                }
                return try await group.reduce(into: (ok: 0, failed: 0)) {
                    $0.ok += $1.ok
                    $0.failed += $1.failed
                }
            }
            #expect(results.failed == 0)
            #expect(results.ok > 20)
        } catch {
            Issue.record(error)
        }
        try await client.shutdown()
        try await gateway.stop()
        try await upstream.stop()
    }

    @Test("a bad new configuration is rejected naming file, line and field; the old one keeps serving")
    func badReload() async throws {
        let upstream = try await TestUpstream.start(name: "u1")
        let gateway = try await GatewayFixture.start(Self.config(upstream.port, path: "/a"))
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let messages = MessageLog()
        let reloader = ConfigurationReloader(runtime: gateway.server.runtime) { messages.add($0) }
        do {
            try "services:\n  - name: api\n    url: http://127.0.0.1:1\n    retries: many\n".write(
                toFile: gateway.configurationPath,
                atomically: true,
                encoding: .utf8
            )
            #expect(!reloader.reloadNow(reason: "SIGHUP"))
            #expect(messages.all.last?.contains("\(gateway.configurationPath):4: services[0].retries: expected an integer") == true)
            #expect(try await client.send(.GET, "\(gateway.base)/a/x").status == 200)
        } catch {
            Issue.record(error)
        }
        try await client.shutdown()
        try await gateway.stop()
        try await upstream.stop()
    }

    @Test("admin API: status, routes, services, upstream health, validate, apply, metrics")
    func admin() async throws {
        let upstream = try await TestUpstream.start(name: "u1")
        let gateway = try await GatewayFixture.start(Self.config(upstream.port, path: "/a"))
        let adminChannel = try await AdminServer.start(
            api: AdminAPI(server: gateway.server),
            host: "127.0.0.1",
            port: 0,
            group: MultiThreadedEventLoopGroup.singleton
        )
        let admin = "http://127.0.0.1:\(adminChannel.localAddress!.port!)"
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            #expect(try await client.send(.GET, "\(gateway.base)/a/x").status == 200)
            #expect(try await client.send(.GET, "\(gateway.base)/zzz").status == 404)
            let status = try await client.send(.GET, "\(admin)/status")
            #expect(status.status == 200)
            #expect(status.json["routes"] as? Int == 1)
            #expect(status.json["data_plane"] as? String == GatewayDataPlane.forTests.rawValue)
            #expect(status.json["epoll_requests_with_plugins_on_bytes"] as? Int == 0)
            switch GatewayDataPlane.forTests {
            case .epoll: #expect(status.json["epoll_sends"] as? String == (GatewayServerOptions.sendsThroughIOUringForTests ? "io_uring" : "send"))
            case .nio: #expect(status.json["epoll_sends"] is NSNull)
            }
            let routes = try await client.send(.GET, "\(admin)/routes")
            #expect(((routes.json["data"] as? [[String: Any]])?.first?["name"] as? String) == "api-route")
            let services = try await client.send(.GET, "\(admin)/services")
            #expect(((services.json["data"] as? [[String: Any]])?.first?["port"] as? Int) == upstream.port)
            let health = try await client.send(.GET, "\(admin)/upstreams/127.0.0.1/health")
            #expect(((health.json["data"] as? [[String: Any]])?.first?["health"] as? String) == "HEALTHY")

            let invalid = try await client.send(.POST, "\(admin)/config/validate", body: "services:\n  - name: x\n    port: 80\n")
            #expect(invalid.status == 400)
            #expect((invalid.json["message"] as? String)?.hasPrefix("request body:2: services[0]: url or host is required") == true)
            let valid = try await client.send(.POST, "\(admin)/config/validate", body: Self.config(upstream.port, path: "/b"))
            #expect(valid.status == 200)
            #expect(try await client.send(.GET, "\(gateway.base)/b/x").status == 404)
            let applied = try await client.send(.POST, "\(admin)/config", body: Self.config(upstream.port, path: "/b"))
            #expect(applied.status == 201)
            #expect(try await client.send(.GET, "\(gateway.base)/b/x").status == 200)

            let metrics = try await client.send(.GET, "\(admin)/metrics")
            #expect(metrics.body.contains(#"flotilla_gateway_requests_total{route="api-route",service="api",status="200"} 2"#))
            #expect(metrics.body.contains(#"flotilla_gateway_requests_total{route="",service="",status="404"} 2"#))
            #expect(metrics.body.contains("flotilla_gateway_request_duration_seconds_bucket"))
            #expect(metrics.body.contains("flotilla_gateway_upstream_target_health"))
        } catch {
            Issue.record(error)
        }
        try await client.shutdown()
        try await adminChannel.close()
        try await gateway.stop()
        try await upstream.stop()
    }
}

final class MessageLog: Sendable {
    private let box = NIOLockedValueBoxString()
    func add(_ line: String) { box.append(line + "\n") }
    var all: [String] { box.value.split(separator: "\n").map(String.init) }
}
