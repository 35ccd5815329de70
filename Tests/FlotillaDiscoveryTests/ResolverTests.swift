import FlotillaDiscovery
import FlotillaTesting
import Foundation
import Testing

@Suite struct ResolverTests {
    @Test func staticResolverReadsServiceURLsFromTheEnvironment() async throws {
        let resolver = try StaticResolver.fromEnvironment([
            "INVENTORY_SERVICE_URLS": "http://127.0.0.1:9002, http://[::1]:9012",
            "PATH": "/usr/bin",
        ])
        let instances = try await resolver.instances(of: "inventory-service")
        #expect(instances.map(\.baseURL) == ["http://127.0.0.1:9002", "http://[::1]:9012"])
        #expect(try await resolver.instances(of: "payment-service").isEmpty)
    }

    @Test(arguments: ["127.0.0.1:9002", "http://:9002", "http://host:99999", "ftp://host:1"])
    func staticResolverRejectsMalformedURLsNamingThem(url: String) {
        #expect(throws: DiscoveryError.self) { try StaticResolver(urls: ["inventory-service": [url]]) }
        do {
            _ = try StaticResolver(urls: ["inventory-service": [url]])
        } catch {
            #expect(error.description.contains(url))
        }
    }

    @Test func dnsResolverResolvesANameToItsAddresses() async throws {
        let instances = try await DNSResolver(port: 9002).instances(of: "localhost")
        #expect(instances.contains { $0.host == "127.0.0.1" && $0.port == 9002 })
        await #expect(throws: DiscoveryError.self) { try await DNSResolver().instances(of: "no-such-service.invalid") }
    }

    @Test func theModeComesFromTheEnvironment() throws {
        #expect(try Discovery.resolver(environment: [:], services: []) is StaticResolver)
        #expect(try Discovery.resolver(environment: ["REGISTRY_URL": "http://127.0.0.1:8500"], services: ["a"]) is RegistryResolver)
        #expect(try Discovery.resolver(environment: ["DISCOVERY_MODE": "dns", "DISCOVERY_DNS_PORT": "8080"], services: []) is DNSResolver)
        #expect(throws: DiscoveryError.self) { try Discovery.resolver(environment: ["DISCOVERY_MODE": "mdns"], services: []) }
        #expect(throws: DiscoveryError.self) { try Discovery.resolver(environment: ["DISCOVERY_MODE": "registry"], services: []) }
    }
}

@Suite struct LoadBalancerTests {
    let instances = (1...3).map { DiscoveredInstance(id: "inv-\($0)", service: "inventory", host: "10.0.0.\($0)", port: 9000) }

    @Test func roundRobinTakesEachInTurn() throws {
        let balancer = LoadBalancer(resolver: try StaticResolver(urls: [:]), strategy: .roundRobin)
        var picked: [String] = []
        for _ in 0..<6 {
            let instance = try balancer.pick(from: instances, service: "inventory")
            picked.append(instance.id)
            balancer.finish(instance)
        }
        #expect(picked == ["inv-1", "inv-2", "inv-3", "inv-1", "inv-2", "inv-3"])
    }

    @Test func leastOutstandingAvoidsBusyInstances() throws {
        let balancer = LoadBalancer(resolver: try StaticResolver(urls: [:]), strategy: .leastOutstanding)
        let first = try balancer.pick(from: instances, service: "inventory")
        let second = try balancer.pick(from: instances, service: "inventory")
        let third = try balancer.pick(from: instances, service: "inventory")
        #expect(Set([first.id, second.id, third.id]).count == 3)
        balancer.finish(second)
        // Only `second` has nothing in flight now.
        #expect(try balancer.pick(from: instances, service: "inventory") == second)
        #expect(balancer.outstanding == ["inv-1": 1, "inv-2": 1, "inv-3": 1])
    }

    @Test func noInstancesIsAClearError() async throws {
        let balancer = LoadBalancer(resolver: try StaticResolver(urls: [:]))
        await #expect(throws: DiscoveryError.noInstances("inventory")) {
            try await balancer.withInstance(of: "inventory") { $0 }
        }
        #expect(balancer.outstanding.isEmpty)
    }

    @Test func withInstanceCountsTheCallWhileItRuns() async throws {
        let resolver = try StaticResolver(urls: ["inventory": ["http://127.0.0.1:1"]])
        let balancer = LoadBalancer(resolver: resolver, strategy: .leastOutstanding)
        let during = try await balancer.withInstance(of: "inventory") { _ in balancer.outstanding }
        #expect(during == ["inventory-0": 1])
        #expect(balancer.outstanding.isEmpty)
    }
}

@Suite struct RegistryResolverTests {
    @Test func resolvesHealthyInstancesThroughARealRegistry() async throws {
        let port = try FreePort.next()
        let data = try Command.temporaryDirectory(prefix: "resolver-registry")
        let registry = try ServiceProcess.start(["registry", "--port", String(port), "--data-dir", data.path], port: port)
        defer { registry.stop() }
        try await registry.waitUntilReady()
        let client = RegistryClient(baseURL: "http://127.0.0.1:\(port)", timeout: .seconds(2))
        let registration = InstanceRegistration(id: "inv-1", name: "inventory", address: "10.0.0.1", port: 9001, check: .ttl(.seconds(30)))
        try await client.register(registration)
        try await client.pass(checkID: registration.checkID)
        let resolver = RegistryResolver(client: client, services: ["inventory"], wait: .seconds(1))
        let balancer = LoadBalancer(resolver: resolver, strategy: .leastOutstanding)
        let picked = try await balancer.withInstance(of: "inventory") { $0 }
        #expect(picked.baseURL == "http://10.0.0.1:9001")
        await #expect(throws: DiscoveryError.self) { try await resolver.instances(of: "payments") }
    }
}
