import FlotillaTesting
import Foundation
import HTTPTypes
import NIOConcurrencyHelpers
import NIOCore
import Testing
import Yams

@testable import FlotillaGateway

#if canImport(Glibc)
/// A plugin whose access phase always waits (`config.ms` milliseconds, or with `config.gated` until the test opens
/// the gate), as a JWKS fetch or a Redis counter does: it marks the request (`x-waited`) and the response
/// (`x-waited-for`), or answers `config.status` itself, and records its log phase.
struct WaitingPlugin: GatewayPlugin {
    let name = "wait"
    let priority = 1000
    let milliseconds: Int
    let gate: NIOLockedValueBox<Bool>?
    var status: Int?
    let logs: NIOLockedValueBox<[String]>

    func access(_ exchange: inout GatewayExchange) async -> GatewayPluginResponse? {
        try? await Task.sleep(for: .milliseconds(milliseconds))
        while let gate, !gate.withLockedValue({ $0 }) { try? await Task.sleep(for: .milliseconds(10)) }
        if let status { return .kongError(HTTPResponse.Status(code: status), message: "refused after waiting") }
        exchange.request.headerFields[HTTPField.Name("x-waited")!] = "\(milliseconds)ms"
        exchange.responseHeaders[HTTPField.Name("x-waited-for")!] = exchange.request.path ?? ""
        return nil
    }

    func log(_ exchange: GatewayExchange, response: HTTPResponse, latency: Duration) {
        logs.withLockedValue { $0.append("\(exchange.request.path ?? ""):\(response.status.code)") }
    }
}

/// Plugins on the epoll data plane: they run on its loops (a plugin that waits, on a task whose outcome returns to
/// the loop), their answers and headers are the NIO plane's, and a request handed to NIO after they ran is not
/// run through them again.
@Suite("Epoll data plane: plugins run on its loops, once per request")
struct EpollPluginTests {
    static func building(_ logs: NIOLockedValueBox<[String]>, gate: NIOLockedValueBox<Bool>) -> PluginBuilding {
        PluginBuilding { consumers in
            var builders = GatewayPluginFactory.kongPlugins
            builders["wait"] = { config, _ in
                WaitingPlugin(
                    milliseconds: config?["ms"]?.int ?? 20,
                    gate: config?["gated"]?.bool == true ? gate : nil,
                    status: config?["status"]?.int,
                    logs: logs
                )
            }
            return GatewayPluginFactory(consumers: consumers, services: PluginServices(), builders: builders)
        }
    }

    static func config(_ port: Int, deadPort: Int) -> String {
        """
        _format_version: "3.0"
        services:
          - name: backend
            url: http://127.0.0.1:\(port)
            routes:
              - name: plain
                paths: [/plain]
                strip_path: false
              - name: guarded
                paths: [/guarded]
                strip_path: false
                plugins:
                  - name: key-auth
                  - name: rate-limiting
                    config: {day: 2}  # a day: a minute's end may fall between requests a starved test sends
              - name: waits
                paths: [/waits]
                strip_path: false
                plugins:
                  - name: wait
                    config: {ms: 20}
              - name: slow
                paths: [/slow]
                strip_path: false
                plugins:
                  - name: wait
                    config: {ms: 0, gated: true}
              - name: slow-refusal
                paths: [/refused-later]
                strip_path: false
                plugins:
                  - name: wait
                    config: {ms: 0, gated: true, status: 403}
          - name: gone
            url: http://127.0.0.1:\(deadPort)
            connect_timeout: 1000
            retries: 1
            routes:
              - name: counted
                paths: [/counted]
                plugins:
                  - name: rate-limiting
                    config: {day: 10}  # a day: its end falls between the three requests only at midnight; a minute's every minute
        consumers:
          - username: alice
            keyauth_credentials:
              - key: alice-key
        """
    }

    static func get(_ path: String, extra: String = "") -> String { EpollDataPlaneTests.get(path, extra: extra) }

    static func start(
        upstream: Int,
        threads: Int = 2,
        logs: NIOLockedValueBox<[String]>,
        gate: NIOLockedValueBox<Bool> = NIOLockedValueBox(true)
    ) async throws -> GatewayFixture {
        let yaml = config(upstream, deadPort: try FreePort.next())
        return try await GatewayFixture.start(yaml, threads: threads, plugins: building(logs, gate: gate)) {
            $0.dataPlane = .epoll
        }
    }

    @Test("key-auth and rate-limiting answer on the epoll plane: 401, 200, 200 and 429 in one write, in order, with Kong's bodies and headers")
    func authenticationAndRateLimits() async throws {
        let upstream = try await TestUpstream.start(name: "up")
        let gateway = try await Self.start(upstream: upstream.port, logs: NIOLockedValueBox([]))
        let client = try await RawClientConnection.connect(port: gateway.port)
        do {
            let key = "apikey: alice-key\r\n"
            try await client.send(
                Self.get("/guarded/a") + Self.get("/guarded/b", extra: key) + Self.get("/guarded/c", extra: key)
                    + Self.get("/guarded/d", extra: key) + Self.get("/plain/e")
            )
            let answers = RawResponses.split(try await client.waitForResponses(5))
            #expect(answers.map(\.status) == [401, 200, 200, 429, 200])
            #expect(answers[0].body == #"{"message":"No API key found in request"}"#)
            #expect(answers[0].field("www-authenticate") == #"Key realm="kong""#)
            #expect(answers[1].upstreamURI == "/guarded/b")
            #expect(answers[1].field("x-ratelimit-remaining-day") == "1")
            #expect(answers[2].field("x-ratelimit-remaining-day") == "0")
            #expect(answers[3].body == #"{"message":"API rate limit exceeded"}"#)
            #expect(answers[3].field("retry-after") != nil)
            #expect(answers[3].field("content-type") == "application/json; charset=utf-8")
            #expect(answers[4].upstreamURI == "/plain/e")
            #expect(answers[4].field("x-ratelimit-limit-day") == nil)
            #expect(gateway.server.epollHandOffs == 0)
            #expect(upstream.requests == 3)

            let metrics = await gateway.server.metrics()
            let statuses = metrics.requests.reduce(into: [Int: Int]()) { $0[$1.key.status, default: 0] += $1.value }
            #expect(statuses == [401: 1, 200: 3, 429: 1])
        } catch {
            Issue.record(error)
        }
        await client.close()
        try await gateway.stop()
    }

    @Test("a plugin that waits runs on a task: pipelined answers stay in order, the connection stays on the epoll plane")
    func suspendingPlugin() async throws {
        let upstream = try await TestUpstream.start(name: "up")
        let logs = NIOLockedValueBox<[String]>([])
        let gateway = try await Self.start(upstream: upstream.port, logs: logs)
        let client = try await RawClientConnection.connect(port: gateway.port)
        do {
            try await client.send(Self.get("/waits/1") + Self.get("/plain/2") + Self.get("/waits/3"))
            let answers = RawResponses.split(try await client.waitForResponses(3))
            #expect(answers.map(\.status) == [200, 200, 200])
            #expect(answers.map(\.upstreamURI) == ["/waits/1", "/plain/2", "/waits/3"])
            #expect(answers[0].field("x-waited-for") == "/waits/1")
            #expect(answers[1].field("x-waited-for") == nil)
            #expect(answers[2].field("x-waited-for") == "/waits/3")
            let seen = try #require(JSONSerialization.jsonObject(with: Data(answers[2].body.utf8)) as? [String: Any])
            #expect((seen["headers"] as? [String: String])?["x-waited"] == "20ms")
            #expect(gateway.server.epollHandOffs == 0)
            #expect(logs.withLockedValue { $0 } == ["/waits/1:200", "/waits/3:200"])
        } catch {
            Issue.record(error)
        }
        await client.close()
        try await gateway.stop()
    }

    @Test("prometheus with key-auth stays on the epoll plane's bytes and counts each request once, by consumer and status, the refused one too")
    func prometheusOnBytes() async throws {
        let upstream = try await TestUpstream.start(name: "up")
        let services = PluginServices()
        let yaml = """
            _format_version: "3.0"
            services:
              - name: backend
                url: http://127.0.0.1:\(upstream.port)
                routes:
                  - name: keyed
                    paths: [/keyed]
                    plugins:
                      - name: key-auth
            plugins:
              - name: prometheus
                config: {status_code_metrics: true, per_consumer: true}
            consumers:
              - username: alice
                keyauth_credentials:
                  - key: alice-key
            """
        let gateway = try await GatewayFixture.start(yaml, plugins: .kong(services)) { $0.dataPlane = .epoll }
        let client = try await RawClientConnection.connect(port: gateway.port)
        do {
            let key = "apikey: alice-key\r\n"
            try await client.send(Self.get("/keyed/a", extra: key) + Self.get("/keyed/b", extra: key) + Self.get("/keyed/c"))
            let answers = RawResponses.split(try await client.waitForResponses(3))
            #expect(answers.map(\.status) == [200, 200, 401])
            // The first key goes the usual way (and is remembered); the second request runs on bytes.
            #expect(gateway.server.epollRequestsWithAccessOnBytes >= 1)
            #expect(gateway.server.epollHandOffs == 0)
            let metrics = services.metricsText
            #expect(
                metrics.contains(
                    #"kong_http_requests_total{service="backend",route="keyed",code="200",source="service",workspace="default",consumer="alice"} 2"#
                ),
                "\(metrics)"
            )
            // The request key-auth refused is counted too, as Kong counts a short-circuited request (source `exit`).
            #expect(metrics.contains(#"route="keyed",code="401",source="exit",workspace="default",consumer=""} 1"#), "\(metrics)")
        } catch {
            Issue.record(error)
        }
        await client.close()
        try await gateway.stop()
    }

    @Test("a client that leaves while its plugins wait gets nothing, and the next connection (likely on the same descriptor) is not answered for it")
    func clientLeavesWhilePluginsWait() async throws {
        let upstream = try await TestUpstream.start(name: "up")
        let logs = NIOLockedValueBox<[String]>([])
        let gate = NIOLockedValueBox(false)
        let gateway = try await Self.start(upstream: upstream.port, threads: 1, logs: logs, gate: gate)
        do {
            let leaving = try await RawClientConnection.connect(port: gateway.port)
            try await leaving.send(Self.get("/slow/x"))
            await leaving.close()
            let next = try await RawClientConnection.connect(port: gateway.port)
            try await next.send(Self.get("/plain/y"))
            let answers = RawResponses.split(try await next.waitForResponses(1))
            #expect(answers.map(\.upstreamURI) == ["/plain/y"])
            // The loop has seen the first client leave (its close came before the second connection); now the
            // plugin finishes.
            gate.withLockedValue { $0 = true }
            try await Task.sleep(for: .milliseconds(300))
            #expect(RawResponses.split(next.received).count == 1)
            try await next.send(Self.get("/plain/z"))
            #expect(RawResponses.split(try await next.waitForResponses(2)).last?.upstreamURI == "/plain/z")
            // (The hand-off count tells, when this fails, whether the departed request reached the NIO plane.)
            #expect(upstream.requests == 2, "hand-offs to NIO: \(gateway.server.epollHandOffs)")
            #expect(logs.withLockedValue { $0 }.isEmpty)
            await next.close()
        } catch {
            Issue.record(error)
        }
        try await gateway.stop()
    }

    @Test(
        "a flood of pipelined requests behind one whose plugin waits: reads stop meanwhile, every request is answered after it, and reading resumes"
    )
    func floodBehindAWaitingPlugin() async throws {
        let upstream = try await TestUpstream.start(name: "up")
        let gate = NIOLockedValueBox(false)
        let gateway = try await Self.start(upstream: upstream.port, threads: 1, logs: NIOLockedValueBox([]), gate: gate)
        let client = try await RawClientConnection.connect(port: gateway.port)
        do {
            // 64 KiB of requests that key-auth refuses at once (64 bytes each), behind one whose plugin waits and then
            // refuses it: the plane reads them all, then stops reading (it buffers no more while a request is
            // pending), and no upstream answer comes to make it read again.
            let refusedPath = "/guarded/" + String(repeating: "n", count: 64 - Self.get("/guarded/").utf8.count)
            let firstPath = "/refused-later/" + String(repeating: "f", count: 64 - Self.get("/refused-later/").utf8.count)
            try await client.send(Self.get(firstPath) + String(repeating: Self.get(refusedPath), count: 1_024))
            try await Task.sleep(for: .milliseconds(200))
            #expect(client.received.isEmpty)
            gate.withLockedValue { $0 = true }
            let received = try await client.waitUntil(timeout: .seconds(20)) { $0.components(separatedBy: "HTTP/1.1 ").count - 1 >= 1_025 }
            let answers = RawResponses.split(received)
            #expect(answers.count == 1_025)
            #expect(answers.first?.status == 403)
            #expect(answers.first?.body == #"{"message":"refused after waiting"}"#)
            #expect(answers.dropFirst().allSatisfy { $0.status == 401 })
            // Reading has resumed: the next request is answered.
            try await client.send(Self.get("/plain/after"))
            let last = RawResponses.split(try await client.waitUntil { $0.components(separatedBy: "HTTP/1.1 ").count - 1 >= 1_026 })
            #expect(last.last?.upstreamURI == "/plain/after")
        } catch {
            Issue.record(error)
        }
        await client.close()
        try await gateway.stop()
    }

    @Test("after the plugins ran, a connect failure hands the request to NIO with their outcome: each request counts once")
    func handOffAfterPluginsRan() async throws {
        let upstream = try await TestUpstream.start(name: "up")
        let gateway = try await Self.start(upstream: upstream.port, logs: NIOLockedValueBox([]))
        do {
            var remaining: [String?] = []
            for _ in 0..<3 {
                let client = try await RawClientConnection.connect(port: gateway.port)
                try await client.send(Self.get("/counted"))
                let answer = try #require(RawResponses.split(try await client.waitForResponses(1)).first)
                #expect(answer.status == 502 || answer.status == 503)
                remaining.append(answer.field("x-ratelimit-remaining-day"))
                await client.close()
            }
            #expect(remaining == ["9", "8", "7"])
            #expect(gateway.server.epollHandOffs == 3)
            // rate-limiting alone runs on the request's bytes: the NIO plane got its outcome, not the request to count.
            #expect(gateway.server.epollRequestsWithAccessOnBytes == 3)
        } catch {
            Issue.record(error)
        }
        try await gateway.stop()
    }
}
#endif
