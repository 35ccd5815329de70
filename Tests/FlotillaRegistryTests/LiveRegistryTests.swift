import FlotillaTesting
import Foundation
import Testing

/// `flotilla registry` as a real process: real HTTP and TCP checks, and a restart.
@Suite struct LiveRegistryTests {
    func start(_ folder: String, port: Int) async throws -> ServiceProcess {
        let process = try ServiceProcess.start(
            ["registry", "--port", String(port), "--data-dir", folder],
            port: port,
            environment: ["LOG_LEVEL": "warning"]
        )
        try await process.waitUntilReady()
        return process
    }

    func checkStatuses(_ base: String) async throws -> [String: String] {
        let reply = try await HTTP.send("GET", base + "/v1/agent/checks")
        return (reply.json ?? [:]).compactMapValues { ($0 as? [String: Any])?["Status"] as? String }
    }

    @Test func realHTTPAndTCPChecksPassAndStateSurvivesARestart() async throws {
        let port = try FreePort.next()
        let base = "http://127.0.0.1:\(port)"
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("registry-live-\(UUID().uuidString.prefix(8))").path
        var registry = try await start(folder, port: port)
        let registration = """
            {"Name": "registry-self", "Port": \(port), "Checks": [
              {"CheckID": "self-http", "HTTP": "\(base)/health/live", "Interval": "200ms", "Timeout": "1s"},
              {"CheckID": "self-tcp", "TCP": "127.0.0.1:\(port)", "Interval": "200ms"},
              {"CheckID": "dead-tcp", "TCP": "127.0.0.1:1", "Interval": "200ms", "Timeout": "500ms"}]}
            """
        let put = try await HTTP.send("PUT", base + "/v1/agent/service/register", body: Data(registration.utf8))
        #expect(put.status == 200, "\(put.text)")
        var statuses: [String: String] = [:]
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            statuses = try await checkStatuses(base)
            if statuses["self-http"] == "passing", statuses["self-tcp"] == "passing" { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(statuses == ["self-http": "passing", "self-tcp": "passing", "dead-tcp": "critical"])
        let output = try await HTTP.send("GET", base + "/v1/agent/checks").json?["self-http"] as? [String: Any]
        #expect((output?["Output"] as? String)?.hasPrefix("HTTP GET \(base)/health/live: 200 OK Output: ") == true)
        _ = try await HTTP.send("PUT", base + "/v1/kv/live/key", body: Data("kept".utf8))

        registry.signal(SIGTERM)
        #expect(try await registry.waitForExit() == 0)
        registry = try await start(folder, port: port)
        defer { registry.signal(SIGTERM) }
        let services = try await HTTP.send("GET", base + "/v1/agent/services").json ?? [:]
        #expect(Set(services.keys) == ["registry-self"])
        let raw = try await HTTP.send("GET", base + "/v1/kv/live/key?raw")
        #expect(raw.text == "kept")
        let metrics = try await HTTP.send("GET", base + "/metrics")
        #expect(metrics.text.contains("http_requests_total"))
    }
}
