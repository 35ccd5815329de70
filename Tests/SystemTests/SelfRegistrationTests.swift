import FlotillaTesting
import Foundation
import Testing

/// A real user-service registers with a real `flotilla registry`, turns critical when killed, and is
/// removed after `DeregisterCriticalServiceAfter`; a graceful shutdown deregisters at once.
@Suite(.serialized) struct SelfRegistrationTests {
    func startRegistry() async throws -> ServiceProcess {
        let port = try FreePort.next()
        let data = try Command.temporaryDirectory(prefix: "system-registry")
        let registry = try ServiceProcess.start(["registry", "--port", String(port), "--data-dir", data.path], port: port)
        try await registry.waitUntilReady()
        return registry
    }

    func startUserService(registry: ServiceProcess) async throws -> ServiceProcess {
        let port = try FreePort.next()
        let data = try Command.temporaryDirectory(prefix: "system-registered")
        let service = try ServiceProcess.start(
            ["serve", "user-service", "--port", String(port), "--data-dir", data.path],
            port: port,
            environment: [
                "REGISTRY_URL": "http://127.0.0.1:\(registry.port)",
                "REGISTRY_CHECK_INTERVAL": "1s",
                "REGISTRY_DEREGISTER_AFTER": "3s",
            ]
        )
        try await service.waitUntilReady()
        return service
    }

    /// The instances of user-service the registry reports: (id, aggregated check status).
    func instances(_ registry: ServiceProcess, passingOnly: Bool = false) async throws -> [(id: String, status: String)] {
        let url = "http://127.0.0.1:\(registry.port)/v1/health/service/user-service" + (passingOnly ? "?passing" : "")
        let reply = try await HTTP.send("GET", url)
        let entries = (try? JSONSerialization.jsonObject(with: reply.body) as? [[String: Any]]) ?? []
        return entries.map { entry in
            let service = entry["Service"] as? [String: Any] ?? [:]
            let checks = entry["Checks"] as? [[String: Any]] ?? []
            let statuses = checks.compactMap { $0["Status"] as? String }
            let status = statuses.contains("critical") ? "critical" : statuses.contains("warning") ? "warning" : "passing"
            return (service["ID"] as? String ?? "", status)
        }
    }

    func waitFor(_ what: String, timeout: Duration = .seconds(20), _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("timed out waiting until \(what)")
    }

    @Test func aKilledInstanceTurnsCriticalAndIsRemoved() async throws {
        let registry = try await startRegistry()
        defer { registry.stop() }
        let service = try await startUserService(registry: registry)
        defer { service.stop() }

        try await waitFor("user-service is registered and passing") {
            try await instances(registry, passingOnly: true).count == 1
        }
        let id = try await instances(registry).first?.id
        #expect(id == "user-service-127.0.0.1-\(service.port)")

        service.signal(SIGKILL)
        try await waitFor("the killed instance is critical") {
            try await instances(registry).first?.status == "critical"
        }
        #expect(try await instances(registry, passingOnly: true).isEmpty)
        try await waitFor("the critical instance is deregistered") {
            try await instances(registry).isEmpty
        }
    }

    @Test func aGracefulShutdownDeregistersAtOnce() async throws {
        let registry = try await startRegistry()
        defer { registry.stop() }
        let service = try await startUserService(registry: registry)
        defer { service.stop() }
        try await waitFor("user-service is registered") { try await instances(registry).count == 1 }
        service.signal(SIGTERM)
        #expect(try await service.waitForExit() == 0)
        #expect(try await instances(registry).isEmpty, "\(service.output)")
        #expect(service.output.contains("deregistered"))
    }
}
