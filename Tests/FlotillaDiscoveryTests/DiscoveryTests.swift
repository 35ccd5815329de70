import FlotillaDiscovery
import FlotillaTesting
import Foundation
import Testing

@Suite struct DiscoveryTests {
    @Test func registrationEncodesConsulsFields() throws {
        let registration = InstanceRegistration(
            id: "orders-1",
            name: "orders",
            address: "127.0.0.1",
            port: 9005,
            tags: ["v2"],
            check: .http(url: "http://127.0.0.1:9005/health/ready", interval: .seconds(5), timeout: .milliseconds(1500))
        )
        let json = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(registration)) as? [String: Any])
        #expect(json["ID"] as? String == "orders-1")
        #expect(json["Name"] as? String == "orders")
        #expect(json["Port"] as? Int == 9005)
        let check = try #require(json["Check"] as? [String: Any])
        #expect(check["HTTP"] as? String == "http://127.0.0.1:9005/health/ready")
        #expect(check["Interval"] as? String == "5000ms")
        #expect(check["Timeout"] as? String == "1500ms")
        #expect(check["DeregisterCriticalServiceAfter"] as? String == "60000ms")
    }

    @Test func registryURLComesFromREGISTRY_URLThenCONSUL_HTTP_ADDR() {
        #expect(RegistryClient.url(fromEnvironment: ["REGISTRY_URL": "http://r:8500", "CONSUL_HTTP_ADDR": "c:8500"]) == "http://r:8500")
        #expect(RegistryClient.url(fromEnvironment: ["CONSUL_HTTP_ADDR": "c:8500"]) == "c:8500")
        #expect(RegistryClient.url(fromEnvironment: [:]) == nil)
        #expect(RegistryClient(baseURL: "c:8500/").baseURL == "http://c:8500")
    }

    @Test func registerWatchPickRoundRobinAndKeepLastKnownGood() async throws {
        let port = try FreePort.next()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("discovery-\(UUID().uuidString.prefix(8))").path
        let registry = try ServiceProcess.start(
            ["registry", "--port", String(port), "--data-dir", folder],
            port: port,
            environment: ["LOG_LEVEL": "warning"]
        )
        var stopped = false
        defer { if !stopped { registry.signal(SIGTERM) } }
        try await registry.waitUntilReady()

        // A short timeout: with the registry gone, AsyncHTTPClient retries connecting until the request's deadline.
        let client = RegistryClient(baseURL: "127.0.0.1:\(port)", timeout: .seconds(2))
        for n in 1...2 {
            let registration = InstanceRegistration(
                id: "inv-\(n)",
                name: "inventory",
                address: "10.0.0.\(n)",
                port: 9000 + n,
                check: .ttl(.seconds(30))
            )
            try await client.register(registration)
            try await client.pass(checkID: registration.checkID, note: "up")
        }
        let watch = InstanceWatch(service: "inventory", client: client, wait: .seconds(1))
        let task = Task { try await watch.run() }
        defer { task.cancel() }
        try await eventually("two instances") { watch.instances.count == 2 }
        let picks = (0..<4).compactMap { _ in watch.next()?.id }
        #expect(picks == ["inv-1", "inv-2", "inv-1", "inv-2"])
        #expect(watch.next()?.baseURL.hasPrefix("http://10.0.0.") == true)

        try await client.deregister(id: "inv-2")
        try await eventually("inv-2 gone") { watch.instances.map(\.id) == ["inv-1"] }

        await #expect(throws: RegistryClient.Failure.self) { try await client.deregister(id: "nope") }

        registry.signal(SIGTERM)
        stopped = true
        _ = try await registry.waitForExit()
        try await eventually("an error") { watch.lastError != nil }
        #expect(watch.instances.map(\.id) == ["inv-1"], "last known good is kept")
    }

    func eventually(_ what: String, _ condition: @Sendable () -> Bool, timeout: Duration = .seconds(10)) async throws {
        let deadline = ContinuousClock.now + timeout
        while !condition() {
            guard ContinuousClock.now < deadline else {
                Issue.record("\(what): not within \(timeout)")
                return
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}
