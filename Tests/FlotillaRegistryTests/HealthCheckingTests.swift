import FlotillaRegistry
import Foundation
import HummingbirdTesting
import Testing

@Suite struct HealthCheckingTests {
    func status(_ client: some TestClientProtocol, _ checkID: String) async throws -> String? {
        try await client.execute(uri: "/v1/agent/checks", method: .get) { response in
            (jsonObject(response.body)[checkID] as? [String: Any])?["Status"] as? String
        }
    }

    @Test func ttlCheckGoesCriticalWhenNotRefreshed() async throws {
        let clock = TestClock()
        try await withRegistry(clock: clock) { checks, client in
            try await register(client, #"{"Name": "web", "Check": {"CheckID": "ttl", "TTL": "10s", "Status": "passing"}}"#)
            clock.advance(9)
            await checks.tick()
            #expect(try await status(client, "ttl") == "passing")
            clock.advance(2)
            await checks.tick()
            #expect(try await status(client, "ttl") == "critical")
            let output = try await client.execute(uri: "/v1/agent/checks", method: .get) {
                (jsonObject($0.body)["ttl"] as? [String: Any])?["Output"] as? String
            }
            #expect(output == "TTL expired")
            try await client.execute(uri: "/v1/agent/check/pass/ttl", method: .put) { _ in }
            #expect(try await status(client, "ttl") == "passing")
        }
    }

    @Test func httpAndTCPChecksRunAtTheirIntervalAndFollowTheProbe() async throws {
        let clock = TestClock()
        let prober = ScriptedProber()
        try await withRegistry(clock: clock, prober: prober) { checks, client in
            try await register(
                client,
                """
                {"Name": "api", "Checks": [{"CheckID": "h", "HTTP": "http://10.0.0.9/health", "Interval": "5s"},
                                           {"CheckID": "t", "TCP": "10.0.0.9:5432", "Interval": "5s", "Timeout": "1s"}]}
                """
            )
            #expect(try await status(client, "h") == "critical")
            prober.set("http://10.0.0.9/health", .passing)
            prober.set("10.0.0.9:5432", .passing)
            await checks.tick()
            #expect(try await status(client, "h") == "passing")
            #expect(try await status(client, "t") == "passing")
            prober.set("http://10.0.0.9/health", .warning)
            clock.advance(4)
            await checks.tick()
            #expect(try await status(client, "h") == "passing", "not due before its interval")
            clock.advance(1)
            await checks.tick()
            #expect(try await status(client, "h") == "warning")
            try await client.execute(uri: "/v1/health/service/api?passing", method: .get) { #expect(jsonArray($0.body).isEmpty) }
        }
    }

    @Test func deregisterCriticalServiceAfterRemovesTheInstance() async throws {
        let clock = TestClock()
        try await withRegistry(clock: clock) { checks, client in
            try await register(client, #"{"Name": "job", "Check": {"TTL": "5s", "Status": "passing", "DeregisterCriticalServiceAfter": "30s"}}"#)
            clock.advance(6)
            await checks.tick()
            try await client.execute(uri: "/v1/health/state/critical", method: .get) { #expect(jsonArray($0.body).count == 1) }
            clock.advance(29)
            await checks.tick()
            try await client.execute(uri: "/v1/agent/services", method: .get) { #expect(jsonObject($0.body)["job"] != nil) }
            clock.advance(1)
            await checks.tick()
            try await client.execute(uri: "/v1/agent/services", method: .get) { #expect(jsonObject($0.body).isEmpty) }
            try await client.execute(uri: "/v1/agent/checks", method: .get) { #expect(jsonObject($0.body).isEmpty) }
        }
    }

    @Test func networkProberChecksATCPPort() async throws {
        let refused = await NetworkProber().probe(.tcp(address: "127.0.0.1:1", interval: .seconds(1), timeout: .seconds(1)))
        #expect(refused.status == .critical)
        let badURL = await NetworkProber().probe(
            .http(.init(url: "http://127.0.0.1:1/health", method: "GET", header: [:], body: "", interval: .seconds(1), timeout: .seconds(1)))
        )
        #expect(badURL.status == .critical)
    }
}
