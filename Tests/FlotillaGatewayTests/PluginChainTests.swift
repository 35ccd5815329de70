import AsyncHTTPClient
import Foundation
import HTTPTypes
import NIOConcurrencyHelpers
import NIOCore
import Testing
import Yams

@testable import FlotillaGateway

/// A trivial plugin for chain tests: `deny` answers 403 when the request has `x-deny`; others add a request header
/// `x-seen: <names in order>` and a response header, and count log calls.
struct RecordingPlugin: GatewayPlugin {
    let name: String
    let priority: Int
    let tag: String
    let logs: NIOLockedValueBox<[String]>

    func access(_ exchange: inout GatewayExchange) async -> GatewayPluginResponse? {
        if name == "deny", exchange.request.headerFields[HTTPField.Name("x-deny")!] != nil {
            return .kongError(.forbidden, message: "denied by \(tag)")
        }
        let seen = exchange.request.headerFields[HTTPField.Name("x-seen")!].map { "\($0),\(tag)" } ?? tag
        exchange.request.headerFields[HTTPField.Name("x-seen")!] = seen
        exchange.responseHeaders[HTTPField.Name("x-plugin-\(name)")!] = tag
        return nil
    }

    func headerFilter(_ exchange: GatewayExchange, response: inout HTTPResponse) {
        response.headerFields[HTTPField.Name("x-filtered-\(name)")!] = "yes"
    }

    func log(_ exchange: GatewayExchange, response: HTTPResponse, latency: Duration) {
        logs.withLockedValue { $0.append("\(tag):\(response.status.code)") }
    }
}

@Suite("Plugin chain: priority order, scopes, short-circuit, header filter, log")
struct PluginChainTests {
    static func building(_ logs: NIOLockedValueBox<[String]>) -> PluginBuilding {
        PluginBuilding { consumers in
            func builder(_ name: String, priority: Int) -> GatewayPluginFactory.Builder {
                { config, _ in
                    let tag = config?["tag"]?.string ?? name
                    return RecordingPlugin(name: name, priority: priority, tag: tag, logs: logs)
                }
            }
            return GatewayPluginFactory(
                consumers: consumers,
                services: PluginServices(),
                builders: ["deny": builder("deny", priority: 1000), "low": builder("low", priority: 10), "high": builder("high", priority: 2000)]
            )
        }
    }

    @Test("global, service and route plugins: most specific wins, higher priority first; a 403 short-circuits the access phase, not the later ones")
    func chain() async throws {
        let upstream = try await TestUpstream.start(name: "u1")
        let yaml = """
            services:
              - name: api
                url: http://127.0.0.1:\(upstream.port)
                plugins:
                  - name: low
                    config: {tag: low-service}
                routes:
                  - name: with-plugins
                    paths: [/p]
                    plugins:
                      - name: deny
                        config: {tag: deny-route}
                  - name: plain
                    paths: [/q]
              - name: bare
                url: http://127.0.0.1:\(upstream.port)
                routes:
                  - name: bare-route
                    paths: [/bare]
            plugins:
              - name: low
                config: {tag: low-global}
              - name: high
                config: {tag: high-global}
              - name: unused
                enabled: false
            """
        let logs = NIOLockedValueBox<[String]>([])
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("chain-\(UUID().uuidString).yaml").path
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        let configuration = try GatewayConfigurationLoader.load(path: path, plugins: Self.building(logs))
        let server = GatewayServer(
            runtime: GatewayRuntime(GatewaySnapshot(configuration), configurationPath: path, plugins: Self.building(logs)),
            options: GatewayServerOptions(host: "127.0.0.1", port: 0, threads: 1)
        )
        let channel = try await server.start()
        let base = "http://127.0.0.1:\(channel.localAddress!.port!)"
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            let passed = try await client.send(.GET, "\(base)/p/x")
            #expect(passed.status == 200)
            let headers = passed.json["headers"] as? [String: String] ?? [:]
            // high (2000) → deny (1000, route) → low (10; the service's config overrides the global one).
            #expect(headers["x-seen"] == "high-global,deny-route,low-service")
            #expect(passed.headers.first(name: "x-plugin-low") == "low-service")
            #expect(passed.headers.first(name: "x-filtered-deny") == "yes")

            let denied = try await client.send(.GET, "\(base)/p/x", headers: [("x-deny", "1")])
            #expect(denied.status == 403)
            #expect(denied.body == #"{"message":"denied by deny-route"}"#)
            #expect(denied.headers.first(name: "x-plugin-high") == "high-global")
            // As in Kong (Kong/kong#3079), the plugins after the one that answered run their header filter and log
            // phases, though not their access phase.
            #expect(denied.headers.first(name: "x-filtered-low") == "yes")
            #expect(denied.headers.first(name: "x-plugin-low") == nil)

            let plain = try await client.send(.GET, "\(base)/q/x")
            #expect((plain.json["headers"] as? [String: String])?["x-seen"] == "high-global,low-service")

            let bare = try await client.send(.GET, "\(base)/bare/x")
            #expect((bare.json["headers"] as? [String: String])?["x-seen"] == "high-global,low-global")

            try await Task.sleep(for: .milliseconds(50))
            let logged = logs.withLockedValue { $0 }
            #expect(logged.contains("deny-route:403"))
            #expect(logged.contains("low-service:403"))
            #expect(logged.filter { $0 == "high-global:200" }.count == 3)
        } catch {
            Issue.record(error)
        }
        try await client.shutdown()
        try await channel.close()
        try await server.shutdown()
    }

    @Test("an unknown plugin is rejected with file, line and field")
    func unknownPlugin() {
        let yaml = "services:\n  - name: a\n    url: http://a:80\n    plugins:\n      - name: nonesuch\n"
        do {
            _ = try GatewayConfigurationLoader.parse(yaml, file: "gateway.yaml", plugins: Self.building(NIOLockedValueBox([])))
            Issue.record("expected an error")
        } catch {
            #expect("\(error)".hasPrefix("gateway.yaml:5: services[0].plugins[0].name: plugin 'nonesuch' not enabled"))
        }
    }
}

@Suite("Plugin chain: the access phase stays on the event loop unless a plugin must wait")
struct PluginChainWithoutSuspendingTests {
    static let secret = "a-shared-secret-of-at-least-32-bytes!!"

    static func chain(_ plugins: String, building: PluginBuilding = .kong(PluginServices())) throws -> PluginChain {
        let yaml = """
            _format_version: "3.0"
            services:
              - name: orders
                url: http://127.0.0.1:1
                routes:
                  - name: orders-route
                    paths: [/orders]
                plugins:
            \(plugins)
            consumers:
              - username: ada
                jwt_secrets:
                  - {key: ada-issuer, secret: \(secret), algorithm: HS256}
            """
        let snapshot = GatewaySnapshot(try GatewayConfigurationLoader.parse(yaml, file: "chain.yaml", plugins: building))
        return try #require(snapshot.chains[0])
    }

    @Test("jwt (HS256) and local rate-limiting decide without suspending: pass, 401 and 429 alike")
    func kongPluginsDecideAtOnce() async throws {
        let chain = try Self.chain(
            """
                  - name: jwt
                  - name: rate-limiting
                    config: {hour: 2}
            """
        )
        let token = try await PyJWT.mint(
            .init(payload: ["iss": "ada-issuer", "exp": .number(Double(PyJWT.now + 600))], key: Self.secret, alg: "HS256")
        )
        var outcomes: [Int] = []
        for authorization in ["Bearer \(token)", "Bearer \(token)", "Bearer \(token)", "Bearer forged.token.here"] {
            var exchange = PluginTest.exchange(headers: [("Authorization", authorization)])
            guard case .finished(let response, let ran) = chain.accessWithoutSuspending(&exchange) else {
                Issue.record("the chain suspended")
                continue
            }
            outcomes.append(response.map { $0.status.code } ?? 200)
            #expect(ran.first?.name == "jwt")
            if response == nil { #expect(exchange.consumer?.username == "ada") }
        }
        #expect(outcomes == [200, 200, 429, 401])
    }

    @Test("a plugin that must wait suspends the chain there; resuming runs it and the rest in order")
    func suspendsAtTheWaitingPluginOnly() async throws {
        let logs = NIOLockedValueBox<[String]>([])
        let chain = try Self.chain(
            """
                  - name: high
                  - name: low
            """,
            building: PluginChainTests.building(logs)
        )
        var exchange = PluginTest.exchange()
        guard case .suspended(let run) = chain.accessWithoutSuspending(&exchange) else {
            Issue.record("RecordingPlugin only has an async access phase: the chain must suspend")
            return
        }
        #expect(run.ran.isEmpty)
        let (response, ran) = await chain.resume(run, &exchange)
        #expect(response == nil)
        #expect(ran.map(\.name) == ["high", "low"])
        #expect(exchange.request.headerFields[HTTPField.Name("x-seen")!] == "high,low")
    }
}
