import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Testing

@testable import FlotillaGateway

@Suite("Kong upstream health checks (active, passive, threshold, admin API)")
struct HealthCheckTests {
    /// One service on upstream `backend` with targets `a` and `b` and the given `healthchecks:` block.
    static func config(_ a: TestUpstream, _ b: TestUpstream, healthchecks: String) -> String {
        """
        _format_version: "3.0"
        services:
          - name: api
            host: backend
            retries: 0
            routes:
              - paths: [/]
        upstreams:
          - name: backend
            healthchecks:
        \(healthchecks.split(separator: "\n").map { "      " + $0 }.joined(separator: "\n"))
            targets:
              - target: 127.0.0.1:\(a.port)
              - target: 127.0.0.1:\(b.port)
        """
    }

    /// Waits until `condition` holds (checked every 50 ms), for at most `seconds`.
    static func eventually(within seconds: Double = 10, _ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return try await condition()
    }

    static func health(_ gateway: GatewayFixture) -> TargetHealth? { gateway.server.runtime.snapshot.clusters["backend"]?.health }

    /// Sends `count` requests; returns the upstream names that answered (from `x-upstream`) and the statuses.
    static func traffic(_ client: HTTPClient, _ gateway: GatewayFixture, count: Int) async throws -> (upstreams: [String], statuses: [Int]) {
        var upstreams: [String] = []
        var statuses: [Int] = []
        for _ in 0..<count {
            let reply = try await client.send(.GET, "\(gateway.base)/x")
            statuses.append(reply.status)
            upstreams.append(reply.headers.first(name: "x-upstream") ?? "-")
        }
        return (upstreams, statuses)
    }

    static func startAdmin(_ gateway: GatewayFixture) async throws -> (channel: any Channel, base: String) {
        let channel = try await AdminServer.start(
            api: AdminAPI(server: gateway.server),
            host: "127.0.0.1",
            port: 0,
            group: MultiThreadedEventLoopGroup.singleton
        )
        return (channel, "http://127.0.0.1:\(channel.localAddress!.port!)")
    }

    @Test("active: a target whose health endpoint answers 500 is taken out after http_failures probes and back after successes")
    func activeChecks() async throws {
        let a = try await TestUpstream.start(name: "a")
        let b = try await TestUpstream.start(name: "b")
        let yaml = Self.config(
            a,
            b,
            healthchecks: """
                active:
                  http_path: /health
                  timeout: 1
                  healthy: {interval: 0.2, successes: 2}
                  unhealthy: {interval: 0.2, http_failures: 2}
                """
        )
        let gateway = try await GatewayFixture.start(yaml)
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    await HealthCheckRunner(runtime: gateway.server.runtime, group: MultiThreadedEventLoopGroup.singleton).run()
                }
                let health = try #require(Self.health(gateway))
                // Probes reach both targets; both healthy, both serve.
                #expect(try await Self.eventually { a.requests >= 2 && b.requests >= 2 })
                #expect(health.unhealthyTargets() == nil)
                #expect(Set(try await Self.traffic(client, gateway, count: 6).upstreams) == ["a", "b"])

                // From here until a is out, only probes reach it (no traffic is sent meanwhile).
                let before = a.requests
                a.failing = true
                #expect(try await Self.eventually { !health.isHealthy(0) }, "a never marked unhealthy")
                #expect(a.requests - before >= 2, "marked unhealthy after \(a.requests - before) probes")
                #expect(health.isHealthy(1))
                let out = try await Self.traffic(client, gateway, count: 20)
                #expect(out.upstreams.allSatisfy { $0 == "b" }, "\(out.upstreams)")
                #expect(out.statuses.allSatisfy { $0 == 200 })

                // Unhealthy targets are still probed (unhealthy.interval); two 200s bring a back.
                let probesBefore = a.requests
                a.failing = false
                #expect(try await Self.eventually { health.isHealthy(0) }, "a never came back")
                #expect(a.requests - probesBefore >= 2, "marked healthy after \(a.requests - probesBefore) probes")
                #expect(try await Self.eventually { try await Self.traffic(client, gateway, count: 4).upstreams.contains("a") })
                group.cancelAll()
            }
        } catch {
            Issue.record(error)
        }
        try await client.shutdown()
        try await gateway.stop()
        try await a.stop()
        try await b.stop()
    }

    @Test("active tcp probes count tcp_failures (a stopped target); http probes count timeouts (a slow health path)")
    func activeTCPAndTimeouts() async throws {
        let a = try await TestUpstream.start(name: "a")
        let b = try await TestUpstream.start(name: "b")
        let tcp = Self.config(
            a,
            b,
            healthchecks: """
                active:
                  type: tcp
                  healthy: {interval: 0.2, successes: 1}
                  unhealthy: {interval: 0.2, tcp_failures: 2}
                """
        )
        let gateway = try await GatewayFixture.start(tcp)
        let admin = try await Self.startAdmin(gateway)
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    await HealthCheckRunner(runtime: gateway.server.runtime, group: MultiThreadedEventLoopGroup.singleton).run()
                }
                try await b.stop()
                #expect(try await Self.eventually { Self.health(gateway)?.isHealthy(1) == false }, "stopped target never marked unhealthy")
                #expect(Self.health(gateway)?.isHealthy(0) == true)
                let out = try await Self.traffic(client, gateway, count: 10)
                #expect(out.statuses.allSatisfy { $0 == 200 } && out.upstreams.allSatisfy { $0 == "a" }, "\(out)")

                // A reload through the admin API: the runner moves to the new snapshot's upstream, whose targets start
                // healthy; now both health paths answer too slowly for the 0.3 s timeout.
                let slow = Self.config(
                    a,
                    a,
                    healthchecks: """
                        active:
                          http_path: /slow/2000
                          timeout: 0.3
                          healthy: {interval: 0.2}
                          unhealthy: {interval: 0.2, timeouts: 1}
                        """
                )
                #expect(try await client.send(.POST, "\(admin.base)/config", body: slow).status == 201)
                #expect(try await Self.eventually { Self.health(gateway)?.unhealthyTargets() == [true, true] }, "timeouts never counted")
                let reply = try await client.send(.GET, "\(gateway.base)/x")
                #expect(reply.status == 503)
                #expect(reply.json["message"] as? String == "failure to get a peer from the ring-balancer")
                group.cancelAll()
            }
        } catch {
            Issue.record(error)
        }
        try await client.shutdown()
        try await admin.channel.close()
        try await gateway.stop()
        try await a.stop()
    }

    @Test("passive: 500s on real traffic mark a target unhealthy after http_failures; it gets nothing until the admin API marks it healthy")
    func passiveChecks() async throws {
        let a = try await TestUpstream.start(name: "a")
        let b = try await TestUpstream.start(name: "b")
        let yaml = Self.config(a, b, healthchecks: "passive:\n  unhealthy: {http_failures: 3}")
        let gateway = try await GatewayFixture.start(yaml)
        let admin = try await Self.startAdmin(gateway)
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            a.failing = true
            let first = try await Self.traffic(client, gateway, count: 20)
            #expect(first.statuses.filter { $0 == 500 }.count == 3, "\(first.statuses)")
            #expect(a.requests == 3)
            let health = try #require(Self.health(gateway))
            #expect(!health.isHealthy(0))

            // Recovered, but passive checks alone never bring it back: it receives nothing.
            a.failing = false
            let meanwhile = try await Self.traffic(client, gateway, count: 10)
            #expect(meanwhile.upstreams.allSatisfy { $0 == "b" })
            #expect(a.requests == 3)

            let marked = try await client.send(.PUT, "\(admin.base)/upstreams/backend/targets/127.0.0.1:\(a.port)/healthy")
            #expect(marked.status == 204)
            #expect(health.isHealthy(0))
            let after = try await Self.traffic(client, gateway, count: 10)
            #expect(after.upstreams.contains("a"))
            #expect(after.statuses.allSatisfy { $0 == 200 })

            let unknown = try await client.send(.POST, "\(admin.base)/upstreams/backend/targets/127.0.0.1:1/unhealthy")
            #expect(unknown.status == 404)
        } catch {
            Issue.record(error)
        }
        try await client.shutdown()
        try await admin.channel.close()
        try await gateway.stop()
        try await a.stop()
        try await b.stop()
    }

    @Test("all targets unhealthy: 503 with Kong's body; /upstreams/{name}/health shows each target; threshold")
    func allUnhealthy() async throws {
        let a = try await TestUpstream.start(name: "a")
        let b = try await TestUpstream.start(name: "b")
        let yaml = Self.config(a, b, healthchecks: "passive:\n  unhealthy: {http_failures: 1}")
        let gateway = try await GatewayFixture.start(yaml)
        let admin = try await Self.startAdmin(gateway)
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            func states() async throws -> [String: String] {
                let reply = try await client.send(.GET, "\(admin.base)/upstreams/backend/health")
                let data = reply.json["data"] as? [[String: Any]] ?? []
                return Dictionary(
                    uniqueKeysWithValues: data.compactMap { entry in
                        (entry["target"] as? String).map { ($0, entry["health"] as? String ?? "?") }
                    }
                )
            }
            #expect(try await states() == ["127.0.0.1:\(a.port)": "HEALTHY", "127.0.0.1:\(b.port)": "HEALTHY"])

            a.failing = true
            b.failing = true
            _ = try await Self.traffic(client, gateway, count: 2)
            let reply = try await client.send(.GET, "\(gateway.base)/x")
            #expect(reply.status == 503)
            #expect(reply.body == #"{"message":"failure to get a peer from the ring-balancer"}"#)
            #expect(reply.headers.first(name: "content-type") == "application/json; charset=utf-8")
            #expect(try await states() == ["127.0.0.1:\(a.port)": "UNHEALTHY", "127.0.0.1:\(b.port)": "UNHEALTHY"])
            let balancer = try await client.send(.GET, "\(admin.base)/upstreams/backend/health?balancer_health=1")
            #expect((balancer.json["data"] as? [String: Any])?["health"] as? String == "UNHEALTHY")

            a.failing = false
            b.failing = false
            let marked = try await client.send(.POST, "\(admin.base)/upstreams/backend/targets/127.0.0.1:\(a.port)/healthy")
            #expect(marked.status == 204)
            #expect(try await states() == ["127.0.0.1:\(a.port)": "HEALTHY", "127.0.0.1:\(b.port)": "UNHEALTHY"])
            #expect(try await Self.traffic(client, gateway, count: 4).upstreams == ["a", "a", "a", "a"])

            // threshold 60: one of two equal targets is 50% of the weight, too little, so the upstream is unhealthy.
            let withThreshold = Self.config(a, b, healthchecks: "passive:\n  unhealthy: {http_failures: 1}\nthreshold: 60")
            #expect(try await client.send(.POST, "\(admin.base)/config", body: withThreshold).status == 201)
            #expect(try await states() == ["127.0.0.1:\(a.port)": "HEALTHY", "127.0.0.1:\(b.port)": "HEALTHY"])
            #expect(try await client.send(.PUT, "\(admin.base)/upstreams/backend/targets/127.0.0.1:\(b.port)/unhealthy").status == 204)
            #expect(try await client.send(.GET, "\(gateway.base)/x").status == 503)
            let underThreshold = try await client.send(.GET, "\(admin.base)/upstreams/backend/health?balancer_health=1")
            #expect((underThreshold.json["data"] as? [String: Any])?["health"] as? String == "UNHEALTHY")
            _ = try await client.send(.PUT, "\(admin.base)/upstreams/backend/targets/127.0.0.1:\(b.port)/healthy")
            #expect(try await Self.traffic(client, gateway, count: 4).statuses == [200, 200, 200, 200])
        } catch {
            Issue.record(error)
        }
        try await client.shutdown()
        try await admin.channel.close()
        try await gateway.stop()
        try await a.stop()
        try await b.stop()
    }

    @Test("an upstream without health checks reports HEALTHCHECKS_OFF and cannot be marked; a reload starts healthy")
    func offAndReload() async throws {
        let a = try await TestUpstream.start(name: "a")
        let b = try await TestUpstream.start(name: "b")
        let gateway = try await GatewayFixture.start(Self.config(a, b, healthchecks: "threshold: 0"))
        let admin = try await Self.startAdmin(gateway)
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            let off = try await client.send(.GET, "\(admin.base)/upstreams/backend/health")
            let words = (off.json["data"] as? [[String: Any]] ?? []).compactMap { $0["health"] as? String }
            #expect(words == ["HEALTHCHECKS_OFF", "HEALTHCHECKS_OFF"])
            let refused = try await client.send(.PUT, "\(admin.base)/upstreams/backend/targets/127.0.0.1:\(a.port)/unhealthy")
            #expect(refused.status == 400)

            let withChecks = Self.config(a, b, healthchecks: "passive:\n  unhealthy: {http_failures: 1}")
            #expect(try await client.send(.POST, "\(admin.base)/config", body: withChecks).status == 201)
            _ = try await client.send(.PUT, "\(admin.base)/upstreams/backend/targets/127.0.0.1:\(a.port)/unhealthy")
            #expect(Self.health(gateway)?.isHealthy(0) == false)
            #expect(try await client.send(.POST, "\(admin.base)/config", body: withChecks).status == 201)
            #expect(Self.health(gateway)?.isHealthy(0) == true)
        } catch {
            Issue.record(error)
        }
        try await client.shutdown()
        try await admin.channel.close()
        try await gateway.stop()
        try await a.stop()
        try await b.stop()
    }

    @Test("counters as Kong documents them: failures in a row flip, a success clears failures, a flip clears all")
    func counters() {
        var checks = KongHealthChecks()
        checks.active.healthy.successes = 2
        checks.active.unhealthy.httpFailures = 2
        checks.active.unhealthy.tcpFailures = 1
        checks.passive.unhealthy.timeouts = 2
        let health = TargetHealth(checks: checks, weights: [100, 100])
        #expect(health.record(0, .status(500), from: .active) == nil)
        #expect(health.record(0, .status(200), from: .active) == nil)  // clears the failure
        #expect(health.record(0, .status(500), from: .active) == nil)
        #expect(health.record(0, .status(418), from: .active) == nil)  // in neither list: ignored
        #expect(health.record(0, .status(500), from: .active) == false)
        #expect(health.unhealthyTargets() == [true, false])
        #expect(health.record(0, .status(200), from: .active) == nil)
        #expect(health.record(0, .status(302), from: .active) == true)
        #expect(health.record(1, .tcpFailure, from: .active) == false)
        #expect(health.record(1, .timeout, from: .passive) == nil)  // already unhealthy
        #expect(health.record(0, .timeout, from: .passive) == nil)
        #expect(health.record(0, .timeout, from: .active) == nil)  // active timeouts: threshold 0, never
        #expect(health.record(0, .timeout, from: .passive) == false)
        #expect(!health.canServe([0, 1], unhealthy: [true, true]))
    }
}

@Suite("Kong healthchecks configuration")
struct HealthCheckConfigurationTests {
    private func parse(_ healthchecks: String) throws -> KongHealthChecks {
        let text =
            "upstreams:\n  - name: u\n    healthchecks:\n" + healthchecks.split(separator: "\n").map { "      " + $0 }.joined(separator: "\n") + "\n"
        return try #require(try GatewayConfigurationLoader.parse(text, file: "gateway.yaml").upstreams.first).healthChecks
    }

    private func error(_ healthchecks: String) -> String {
        do {
            _ = try parse(healthchecks)
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    @Test("defaults are Kong's; fields given override only themselves")
    func defaults() throws {
        let none = try #require(try GatewayConfigurationLoader.parse("upstreams:\n  - name: u\n", file: "g.yaml").upstreams.first).healthChecks
        #expect(none == KongHealthChecks())
        #expect(!none.isEnabled)
        #expect(none.active.type == .http && none.active.httpPath == "/" && none.active.timeout == .seconds(1))
        #expect(none.active.concurrency == 10 && none.active.headers.isEmpty)
        #expect(none.active.healthy == .init(interval: .zero, httpStatuses: [200, 302], successes: 0))
        #expect(none.active.unhealthy.httpStatuses == [429, 404, 500, 501, 502, 503, 504, 505])
        #expect(none.active.unhealthy.interval == .zero && none.active.unhealthy.tcpFailures == 0)
        #expect(none.active.unhealthy.timeouts == 0 && none.active.unhealthy.httpFailures == 0)
        #expect(none.passive.healthy.httpStatuses.count == 19 && none.passive.healthy.httpStatuses.contains(226))
        #expect(none.passive.unhealthy.httpStatuses == [429, 500, 503])
        #expect(none.threshold == 0)

        let some = try parse(
            """
            active:
              type: tcp
              http_path: /status
              timeout: 0.5
              headers: {x-probe: [a, b]}
              healthy: {interval: 2}
            passive:
              unhealthy: {http_failures: 5, http_statuses: [502]}
            threshold: 33.5
            """
        )
        #expect(some.active.type == .tcp && some.active.httpPath == "/status" && some.active.timeout == .milliseconds(500))
        #expect(some.active.headers == ["x-probe": ["a", "b"]])
        #expect(some.active.healthy.interval == .seconds(2) && some.active.healthy.successes == 0)
        #expect(some.active.healthy.httpStatuses == [200, 302])
        #expect(some.passive.unhealthy.httpFailures == 5 && some.passive.unhealthy.httpStatuses == [502])
        #expect(some.passive.unhealthy.tcpFailures == 0)
        #expect(some.threshold == 33.5)
        #expect(some.isEnabled)
    }

    @Test(
        "a bad value gives one line naming the field",
        arguments: [
            ("active:\n  timeout: -1", "gateway.yaml:5: upstreams[0].healthchecks.active.timeout: must be from 0 to 65535"),
            (
                "active:\n  type: https",
                "gateway.yaml:5: upstreams[0].healthchecks.active.type: https health checks are not supported (use http or tcp)"
            ),
            (
                "active:\n  unhealthy: {http_failures: 300}",
                "gateway.yaml:5: upstreams[0].healthchecks.active.unhealthy.http_failures: must be from 0 to 255"
            ),
            (
                "active:\n  healthy:\n    http_statuses: [200, 99]",
                "gateway.yaml:6: upstreams[0].healthchecks.active.healthy.http_statuses[1]: must be from 200 to 999"
            ),
            ("active:\n  http_path: health", "gateway.yaml:5: upstreams[0].healthchecks.active.http_path: must start with /"),
            ("active:\n  concurrency: 0", "gateway.yaml:5: upstreams[0].healthchecks.active.concurrency: must be from 1 to 2147483648"),
            ("passive:\n  healthy: {interval: 1}", "gateway.yaml:5: upstreams[0].healthchecks.passive.healthy.interval: unknown field"),
            ("passive:\n  unhealthy: {timeouts: many}", "gateway.yaml:5: upstreams[0].healthchecks.passive.unhealthy.timeouts: expected an integer"),
            ("threshold: 101", "gateway.yaml:4: upstreams[0].healthchecks.threshold: must be from 0 to 100"),
            ("treshold: 10", "gateway.yaml:4: upstreams[0].healthchecks.treshold: unknown field"),
        ]
    )
    func badValue(healthchecks: String, expected: String) {
        let message = error(healthchecks)
        #expect(message == expected)
        #expect(!message.contains("\n"))
    }
}
