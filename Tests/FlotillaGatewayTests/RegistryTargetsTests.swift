import AsyncHTTPClient
import FlotillaDiscovery
import FlotillaTesting
import Foundation
import NIOHTTP1
import Testing

@testable import FlotillaGateway

@Suite("Targets from the registry (NAME.service.consul)", .serialized)
struct RegistryTargetsTests {
    static func kong(host: String, path: String = "/orders") -> String {
        """
        services:
          - name: orders
            url: http://\(host):9999
            routes:
              - name: orders-route
                paths: [\(path)]
        """
    }

    @Test("registry host names: NAME.service.consul, TAG.NAME.service.consul; labels from meta and key=value tags")
    func hostNames() {
        #expect(RegistryHostName("orders.service.consul") == RegistryHostName("Orders.Service.Consul"))
        #expect(RegistryHostName("orders.service.consul")?.service == RegistryService(name: "orders"))
        #expect(RegistryHostName("orders.service.consul")?.tag == nil)
        #expect(RegistryHostName("v2.orders.service.consul")?.tag == "v2")
        #expect(RegistryHostName("v2.orders.service.consul")?.service == RegistryService(name: "orders"))
        #expect(RegistryHostName("orders.svc.cluster.local") == nil)
        #expect(RegistryHostName("a.b.orders.service.consul") == nil)
        #expect(RegistryHostName(".service.consul") == nil)
        let weighted = RegistryHostName("orders.service.consul")!.targets(from: [
            DiscoveredInstance(id: "w", service: "orders", host: "10.0.0.9", port: 9, weight: 5)
        ])
        #expect(weighted.first?.weight == 500)
        let instances = [
            DiscoveredInstance(id: "a", service: "orders", host: "10.0.0.1", port: 1, tags: ["v1", "zone=a"], meta: ["version": "v1"]),
            DiscoveredInstance(id: "b", service: "orders", host: "10.0.0.2", port: 2, tags: ["V2", "version=v2"]),
        ]
        let all = RegistryHostName("orders.service.consul")!.targets(from: instances)
        #expect(all.map(\.port) == [1, 2])
        #expect(all.map(\.weight) == [100, 100])
        #expect(all[0].labels == ["zone": "a", "version": "v1"])
        #expect(all[1].labels == ["version": "v2"])
        #expect(RegistryHostName("v2.orders.service.consul")!.targets(from: instances).map(\.host) == ["10.0.0.2"])
    }

    /// Every spelling of a service lookup Consul's DNS answers, with the service, tag and datacenter it names.
    static let consulSpellings: [(host: String, service: String, tag: String?, datacenter: String?)] = [
        ("orders.service.consul", "orders", nil, nil),
        ("orders.service.consul.", "orders", nil, nil),
        ("v2.orders.service.consul", "orders", "v2", nil),
        ("V2.Orders.Service.Consul.", "orders", "v2", nil),
        ("orders.service.dc2.consul", "orders", nil, "dc2"),
        ("Orders.Service.DC2.Consul.", "orders", nil, "dc2"),
        ("v2.orders.service.dc2.consul", "orders", "v2", "dc2"),
        ("orders.service.dc2.dc.consul", "orders", nil, "dc2"),
        ("v2.orders.service.dc2.dc.consul.", "orders", "v2", "dc2"),
        ("orders.service.dc.consul", "orders", nil, "dc"),
        ("_orders._tcp.service.consul", "orders", nil, nil),
        ("_Orders._TCP.Service.Consul.", "orders", nil, nil),
        ("_orders._v2.service.consul", "orders", "v2", nil),
        ("_orders._udp.service.consul", "orders", "udp", nil),
        ("_orders._.service.consul", "orders", nil, nil),
        ("_orders._tcp.service.dc2.consul", "orders", nil, "dc2"),
        ("_orders._v2.service.dc2.consul.", "orders", "v2", "dc2"),
        ("_orders._v2.service.dc2.dc.consul", "orders", "v2", "dc2"),
        // As Consul reads them: the rightmost `service` is the lookup kind; underscores drop only in an RFC 2782 pair.
        ("v2.service.service.consul", "service", "v2", nil),
        ("_orders.service.consul", "_orders", nil, nil),
        ("orders._tcp.service.consul", "_tcp", "orders", nil),
        ("_orders.v2.service.consul", "v2", "_orders", nil),
    ]

    @Test("Consul's spellings of a service lookup: tag, RFC 2782 (_tcp filters nothing), datacenter (DC or DC.dc), trailing dot, any case")
    func consulSpellingsParse() {
        for (host, service, tag, datacenter) in Self.consulSpellings {
            let name = RegistryHostName(host)
            #expect(name?.service == RegistryService(name: service, datacenter: datacenter), "\(host)")
            #expect(name?.tag == tag, "\(host)")
        }
        let instances = [
            DiscoveredInstance(id: "a", service: "orders", host: "10.0.0.1", port: 1, tags: ["v1"]),
            DiscoveredInstance(id: "b", service: "orders", host: "10.0.0.2", port: 2, tags: ["V2"]),
        ]
        #expect(RegistryHostName("_orders._tcp.service.dc2.consul")!.targets(from: instances).map(\.port) == [1, 2])
        #expect(RegistryHostName("_orders._v2.service.dc2.consul.")!.targets(from: instances).map(\.port) == [2])
        #expect(RegistryHostName("v1.orders.service.dc2.dc.consul")!.targets(from: instances).map(\.port) == [1])
    }

    @Test(
        "names Consul does not answer as a service lookup stay ordinary DNS names",
        arguments: [
            "", ".", "consul", "consul.", "service.consul", ".service.consul", "orders.consul", "orders.svc.cluster.local",
            "orders..service.consul", ".orders.service.consul", "orders.service..consul", "orders.service.consul..",
            "orders.service.consul.example.com", "orders.service.consulx", "orders.service.consul.local",
            // a dotted tag, more labels than NAME, TAG.NAME or _NAME._TAG, an empty RFC 2782 name
            "a.b.orders.service.consul", "_orders._tcp.v2.service.consul", "_._tcp.service.consul",
            // after `service` only DC or DC.dc: no namespace, partition, peer, or two datacenters
            "orders.service.dc2.extra.consul", "orders.service.ns1.ns.consul", "orders.service.ap1.ap.consul",
            "orders.service.peer1.peer.consul", "orders.service.a.b.dc.consul", "orders.service.dc2.dc.dc1.dc.consul",
            // other kinds of Consul lookup
            "orders.node.consul", "orders.service.node.consul", "orders.query.consul", "orders.connect.consul",
            "orders.service.dc2.ingress.consul", "orders.virtual.consul", "orders.addr.consul",
        ]
    )
    func notRegistryNames(_ host: String) {
        #expect(RegistryHostName(host) == nil)
    }

    @Test("a service whose host is NAME.service.consul reaches the registered instances, both; admin lists them")
    func reachesRegisteredInstances() async throws {
        let registry = try await RegistryHarness.start()
        defer { registry.stop() }
        let first = try await TestUpstream.start(name: "orders-1")
        let second = try await TestUpstream.start(name: "orders-2")
        try await registry.register(first, as: "orders")
        try await registry.register(second, as: "orders")
        let gateway = try await RegistryGateway.start(Self.kong(host: "orders.service.consul"), registry: registry)
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            try await eventually("both instances answer") {
                Set(try await client.upstreams("\(gateway.base)/orders/x", count: 6)) == ["orders-1", "orders-2"]
            }
            let reply = try await client.send(.GET, "\(gateway.base)/orders/items?a=1")
            #expect(reply.status == 200)
            #expect(reply.json["uri"] as? String == "/items?a=1")
            let health = await AdminAPI(server: gateway.fixture.server).handle(
                method: .GET,
                path: "/upstreams/orders.service.consul/health",
                body: ""
            )
            #expect(health.status == .ok)
            let listed = try #require(try JSONSerialization.jsonObject(with: Data(health.body.utf8)) as? [String: Any])
            let targets = (listed["data"] as? [[String: Any]] ?? []).compactMap { $0["target"] as? String }
            #expect(Set(targets) == ["127.0.0.1:\(first.port)", "127.0.0.1:\(second.port)"])
        } catch {
            Issue.record(error)
        }
        try await client.shutdown()
        try await gateway.stop()
        try await first.stop()
        try await second.stop()
    }

    @Test("Consul Weights.Passing sets each instance's share: 3:1 lands 75/25 (±8%) over 400 requests")
    func passingWeights() async throws {
        let registry = try await RegistryHarness.start()
        defer { registry.stop() }
        let heavy = try await TestUpstream.start(name: "orders-heavy")
        let light = try await TestUpstream.start(name: "orders-light")
        try await registry.register(heavy, as: "orders", passingWeight: 3)
        try await registry.register(light, as: "orders", passingWeight: 1)
        let gateway = try await RegistryGateway.start(Self.kong(host: "orders.service.consul"), registry: registry)
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            try await eventually("both instances answer") {
                Set(try await client.upstreams("\(gateway.base)/orders/x", count: 8)) == ["orders-heavy", "orders-light"]
            }
            let names = try await client.upstreams("\(gateway.base)/orders/x", count: 400)
            let heavyShare = Double(names.filter { $0 == "orders-heavy" }.count) / 400
            #expect(abs(heavyShare - 0.75) <= 0.08, "heavy share \(heavyShare)")
        } catch {
            Issue.record(error)
        }
        try await client.shutdown()
        try await gateway.stop()
        try await heavy.stop()
        try await light.stop()
    }

    @Test("a critical check or a deregistration stops traffic to an instance, a new instance gets traffic, without a reload")
    func followsHealthChanges() async throws {
        let registry = try await RegistryHarness.start()
        defer { registry.stop() }
        let upstreams = [
            try await TestUpstream.start(name: "orders-1"), try await TestUpstream.start(name: "orders-2"),
            try await TestUpstream.start(name: "orders-3"),
        ]
        try await registry.register(upstreams[0], as: "orders")
        try await registry.register(upstreams[1], as: "orders")
        let gateway = try await RegistryGateway.start(Self.kong(host: "orders.service.consul"), registry: registry)
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let url = "\(gateway.base)/orders/x"
        do {
            try await eventually("both instances answer") { Set(try await client.upstreams(url, count: 6)) == ["orders-1", "orders-2"] }

            try await registry.fail(upstreams[1])
            var started = ContinuousClock.now
            try await eventually("orders-2 (critical) gets no traffic") { Set(try await client.upstreams(url, count: 10)) == ["orders-1"] }
            #expect(ContinuousClock.now - started < .seconds(5))
            let requestsBefore = upstreams[1].requests
            _ = try await client.upstreams(url, count: 10)
            #expect(upstreams[1].requests == requestsBefore, "a critical instance receives nothing")

            try await registry.register(upstreams[2], as: "orders")
            started = ContinuousClock.now
            try await eventually("orders-3 (new) gets traffic") { Set(try await client.upstreams(url, count: 6)) == ["orders-1", "orders-3"] }
            #expect(ContinuousClock.now - started < .seconds(5))

            try await registry.client.deregister(id: "orders-1")
            try await eventually("orders-1 (deregistered) gets no traffic") { Set(try await client.upstreams(url, count: 10)) == ["orders-3"] }

            try await registry.client.pass(checkID: "service:orders-2")
            try await eventually("orders-2 (passing again) gets traffic") {
                Set(try await client.upstreams(url, count: 6)) == ["orders-2", "orders-3"]
            }
        } catch {
            Issue.record(error)
        }
        try await client.shutdown()
        try await gateway.stop()
        for upstream in upstreams { try await upstream.stop() }
    }

    @Test("TAG.NAME.service.consul keeps instances with TAG; DestinationRule subsets select by meta (or key=value tags), 90/10 split")
    func tagsAndSubsets() async throws {
        let registry = try await RegistryHarness.start()
        defer { registry.stop() }
        let v1 = try await TestUpstream.start(name: "orders-v1")
        let v2 = try await TestUpstream.start(name: "orders-v2")
        let v2Tagged = try await TestUpstream.start(name: "orders-v2-tagged")
        try await registry.register(v1, as: "orders", tags: ["stable"], meta: ["version": "v1"])
        try await registry.register(v2, as: "orders", tags: ["canary"], meta: ["version": "v2"])
        try await registry.register(v2Tagged, as: "orders", tags: ["canary", "version=v2"])
        let yaml = """
            services:
              - name: canary
                host: canary.orders.service.consul
                routes: [{name: canary-route, paths: [/canary]}]
              - name: orders
                host: orders.service.consul
                routes: [{name: orders-route, paths: [/all]}]
            ---
            apiVersion: networking.istio.io/v1beta1
            kind: DestinationRule
            metadata: {name: orders}
            spec:
              host: orders.service.consul
              subsets:
                - {name: v1, labels: {version: v1}}
                - {name: v2, labels: {version: v2}}
            ---
            apiVersion: networking.istio.io/v1beta1
            kind: VirtualService
            metadata: {name: orders-split}
            spec:
              hosts: [orders.local]
              http:
                - route:
                    - destination: {host: orders.service.consul, subset: v1}
                      weight: 90
                    - destination: {host: orders.service.consul, subset: v2}
                      weight: 10
            """
        let gateway = try await RegistryGateway.start(yaml, registry: registry, threads: 2)
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            try await eventually("all three instances known") {
                Set(try await client.upstreams("\(gateway.base)/all", count: 9)) == ["orders-v1", "orders-v2", "orders-v2-tagged"]
            }
            let canary = try await client.upstreams("\(gateway.base)/canary", count: 20)
            #expect(Set(canary) == ["orders-v2", "orders-v2-tagged"])

            let total = 1000
            let names = try await withThrowingTaskGroup(of: [String?].self) { group in
                for _ in 0..<4 {
                    group.addTask { try await client.upstreams("\(gateway.base)/x", count: total / 4, headers: [("host", "orders.local")]) }
                }
                return try await group.reduce(into: [String?]()) { $0 += $1 }
            }
            let toV1 = names.filter { $0 == "orders-v1" }.count
            let toV2 = names.filter { $0 == "orders-v2" || $0 == "orders-v2-tagged" }.count
            #expect(toV1 + toV2 == total)
            #expect(abs(toV1 - 900) <= 50, "v1 got \(toV1) of \(total)")
            #expect(names.contains("orders-v2") && names.contains("orders-v2-tagged"), "both v2 instances (by meta and by tag) serve the subset")
        } catch {
            Issue.record(error)
        }
        try await client.shutdown()
        try await gateway.stop()
        for upstream in [v1, v2, v2Tagged] { try await upstream.stop() }
    }

    @Test("through the gateway: _NAME._TAG (RFC 2782) and NAME.service.DC; the registry's own datacenter works, another gets 503")
    func consulSpellingsThroughGateway() async throws {
        let registry = try await RegistryHarness.start()
        defer { registry.stop() }
        let v1 = try await TestUpstream.start(name: "orders-v1")
        let v2 = try await TestUpstream.start(name: "orders-v2")
        try await registry.register(v1, as: "orders", tags: ["v1"])
        try await registry.register(v2, as: "orders", tags: ["v2"])
        let yaml = """
            services:
              - name: all
                url: http://_orders._tcp.service.consul:9999
                routes: [{name: all, paths: [/all]}]
              - name: tagged
                host: _Orders._V2.service.dc1.consul.
                routes: [{name: tagged, paths: [/tagged]}]
              - name: local
                host: v1.orders.service.dc1.dc.consul
                routes: [{name: local, paths: [/local]}]
              - name: remote
                host: orders.service.dc2.consul
                routes: [{name: remote, paths: [/remote]}]
            """
        let gateway = try await RegistryGateway.start(yaml, registry: registry)
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            try await eventually("both instances answer _orders._tcp") {
                Set(try await client.upstreams("\(gateway.base)/all/x", count: 6)) == ["orders-v1", "orders-v2"]
            }
            try await eventually("the dc1 names answer") {
                let tagged = try await client.send(.GET, "\(gateway.base)/tagged/x")
                let local = try await client.send(.GET, "\(gateway.base)/local/x")
                return tagged.status == 200 && local.status == 200
            }
            #expect(Set(try await client.upstreams("\(gateway.base)/tagged/x", count: 10)) == ["orders-v2"])
            #expect(Set(try await client.upstreams("\(gateway.base)/local/x", count: 10)) == ["orders-v1"])
            #expect(gateway.runtime.instances(of: RegistryService(name: "orders"))?.count == 2)
            #expect(gateway.runtime.instances(of: RegistryService(name: "orders", datacenter: "dc1"))?.count == 2)

            // flotilla registry is one datacenter (dc1): like Consul without a route to dc2 it answers 500.
            try await eventually("the watcher saw the registry refuse dc2") {
                gateway.reports.withLockedValue { $0.contains { $0.contains("orders (datacenter dc2)") && $0.contains("No path to datacenter") } }
            }
            let remote = try await client.send(.GET, "\(gateway.base)/remote/x")
            #expect(remote.status == 503)
            #expect(remote.body == #"{"message":"failure to get a peer from the ring-balancer"}"#)
            #expect(gateway.runtime.instances(of: RegistryService(name: "orders", datacenter: "dc2")) == nil)
        } catch {
            Issue.record(error)
        }
        try await client.shutdown()
        try await gateway.stop()
        try await v1.stop()
        try await v2.stop()
    }

    @Test("the registry serves ?dc= naming its own datacenter (dc1) or empty, and answers 500 `No path to datacenter` for another")
    func registryDatacenterParameter() async throws {
        let registry = try await RegistryHarness.start()
        defer { registry.stop() }
        let upstream = try await TestUpstream.start(name: "orders-1")
        try await registry.register(upstream, as: "orders")
        do {
            #expect(try await registry.client.healthyInstances(of: "orders", datacenter: "dc1").instances.map(\.id) == ["orders-1"])
            let refused = await #expect(throws: RegistryClient.Failure.self) {
                try await registry.client.healthyInstances(of: "orders", datacenter: "dc2")
            }
            #expect(refused?.status == 500)
            #expect(refused?.message == "No path to datacenter")
            for path in [
                "/v1/health/service/orders", "/v1/health/checks/orders", "/v1/health/state/any", "/v1/catalog/service/orders", "/v1/catalog/services",
            ] {
                for (query, status) in [("?dc=dc2", 500), ("?dc=DC1", 500), ("?dc=dc1", 200), ("?dc=", 200), ("", 200)] {
                    let reply = try await HTTPClient.shared.send(.GET, "\(registry.url)\(path)\(query)")
                    #expect(reply.status == status, "\(path)\(query)")
                    if status == 500 { #expect(reply.body == "No path to datacenter", "\(path)\(query)") }
                }
            }
        } catch {
            Issue.record(error)
        }
        try await upstream.stop()
    }

    @Test("no instances → 503 with Kong's body; with the registry stopped the last known instances keep serving")
    func noInstancesAndRegistryDown() async throws {
        let registry = try await RegistryHarness.start()
        var stopped = false
        defer { if !stopped { registry.stop() } }
        let upstream = try await TestUpstream.start(name: "orders-1")
        let gateway = try await RegistryGateway.start(Self.kong(host: "orders.service.consul"), registry: registry)
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            let empty = try await client.send(.GET, "\(gateway.base)/orders/x")
            #expect(empty.status == 503)
            #expect(empty.body == #"{"message":"failure to get a peer from the ring-balancer"}"#)

            try await registry.register(upstream, as: "orders")
            try await eventually("the instance answers") { try await client.send(.GET, "\(gateway.base)/orders/x").status == 200 }
            try await registry.client.deregister(id: "orders-1")
            try await eventually("503 once deregistered") { try await client.send(.GET, "\(gateway.base)/orders/x").status == 503 }
            let gone = try await client.send(.GET, "\(gateway.base)/orders/x")
            #expect(gone.body == #"{"message":"failure to get a peer from the ring-balancer"}"#)
            #expect(gone.headers.first(name: "content-type") == "application/json; charset=utf-8")

            try await registry.register(upstream, as: "orders")
            try await eventually("the instance answers again") { try await client.send(.GET, "\(gateway.base)/orders/x").status == 200 }
            registry.stop()
            stopped = true
            try await eventually("the watcher saw the registry fail") {
                gateway.reports.withLockedValue { $0.contains { $0.contains("keeping the last known instances") } }
            }
            let names = try await client.upstreams("\(gateway.base)/orders/x", count: 20)
            #expect(names == Array(repeating: "orders-1", count: 20))
        } catch {
            Issue.record(error)
        }
        try await client.shutdown()
        try await gateway.stop()
        try await upstream.stop()
    }

    @Test("on reload and admin apply the watched names follow the configuration; a Kong upstream target may be a registry name")
    func watchedNamesFollowReload() async throws {
        let registry = try await RegistryHarness.start()
        defer { registry.stop() }
        let orders = try await TestUpstream.start(name: "orders-1")
        let payments = try await TestUpstream.start(name: "payments-1")
        try await registry.register(orders, as: "orders")
        try await registry.register(payments, as: "payments")
        let gateway = try await RegistryGateway.start(Self.kong(host: "orders.service.consul"), registry: registry)
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            try await eventually("orders answers") { try await client.send(.GET, "\(gateway.base)/orders/x").status == 200 }
            try Self.kong(host: "payments.service.consul", path: "/payments").write(
                toFile: gateway.fixture.configurationPath,
                atomically: true,
                encoding: .utf8
            )
            try gateway.runtime.reload()
            try await eventually("payments answers after the reload") {
                try await client.send(.GET, "\(gateway.base)/payments/x").headers.first(name: "x-upstream") == "payments-1"
            }
            #expect(gateway.runtime.instances(of: RegistryService(name: "orders")) == nil, "orders is no longer watched")

            // The admin API's apply follows the names too; a Kong upstream target may be a registry name beside static ones.
            let static1 = try await TestUpstream.start(name: "static-1")
            let applied = """
                upstreams:
                  - name: mixed
                    targets: [{target: orders.service.consul}, {target: "127.0.0.1:\(static1.port)"}]
                services:
                  - {name: mixed, host: mixed, routes: [{name: mixed-route, paths: [/mixed]}]}
                """
            let admin = AdminAPI(server: gateway.fixture.server)
            #expect(await admin.handle(method: .POST, path: "/config", body: applied).status == .created)
            try await eventually("the upstream's registry target and static target both answer") {
                Set(try await client.upstreams("\(gateway.base)/mixed/x", count: 6)) == ["orders-1", "static-1"]
            }
            #expect(gateway.runtime.instances(of: RegistryService(name: "payments")) == nil, "payments is no longer watched")
            let health = await admin.handle(method: .GET, path: "/upstreams/mixed/health", body: "")
            #expect(health.body.contains("127.0.0.1:\(orders.port)") && health.body.contains("127.0.0.1:\(static1.port)"))
            try await static1.stop()
        } catch {
            Issue.record(error)
        }
        try await client.shutdown()
        try await gateway.stop()
        try await orders.stop()
        try await payments.stop()
    }

    @Test("a *.service.consul host without a registry is a one-line configuration error naming the field", .timeLimit(.minutes(1)))
    func registryNameWithoutRegistry() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("gateway-\(UUID().uuidString).yaml").path
        try Self.kong(host: "orders.service.consul").write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }

        let app = GatewayApp(configurationPath: path, options: GatewayServerOptions(host: "127.0.0.1", port: 0), adminPort: 0, registryURL: nil)
        do {
            try await app.run()
            Issue.record("the gateway started without a registry")
        } catch let error as GatewayConfigurationError {
            #expect(error.field == "services[0].host")
            #expect(error.line == 2)
            #expect("\(error)".contains("orders.service.consul is a registry name, but no registry is configured"))
        }

        let istio = """
            apiVersion: networking.istio.io/v1beta1
            kind: VirtualService
            metadata: {name: orders}
            spec:
              hosts: [orders.local]
              http:
                - route:
                    - destination: {host: v2.orders.service.consul}
            """
        let configuration = try GatewayConfigurationLoader.parse(istio, file: "istio.yaml")
        let runtime = GatewayRuntime(GatewaySnapshot(GatewayConfiguration()))
        let rejected = #expect(throws: GatewayConfigurationError.self) { try runtime.install(configuration, file: "istio.yaml") }
        #expect(rejected?.field == "VirtualService orders: http[0].route[0].destination.host")
        #expect(rejected?.message.hasPrefix("v2.orders.service.consul is a registry name") == true)
        let rfc2782 = try GatewayConfigurationLoader.parse(Self.kong(host: "_orders._tcp.service.dc2.consul."), file: "kong.yaml")
        let named = #expect(throws: GatewayConfigurationError.self) { try runtime.install(rfc2782, file: "kong.yaml") }
        #expect(named?.message.hasPrefix("_orders._tcp.service.dc2.consul. is a registry name") == true)
        let withRegistry = GatewayRuntime(GatewaySnapshot(GatewayConfiguration()), usesRegistry: true)
        #expect(throws: Never.self) { try withRegistry.install(configuration, file: "istio.yaml") }

        let gateway = try ServiceProcess.start(
            ["gateway", "--config", path, "--port", "0", "--admin-port", "0"],
            port: 0,
            environment: ["REGISTRY_URL": "", "CONSUL_HTTP_ADDR": ""]
        )
        #expect(try await gateway.waitForExit() == 78)
        let lines = gateway.output.split(separator: "\n")
        #expect(lines.count == 1, "\(gateway.output)")
        #expect(
            lines.first?.hasPrefix("flotilla: \(path):2: services[0].host: orders.service.consul is a registry name") == true,
            "\(gateway.output)"
        )
    }

    @Test("flotilla gateway --registry: the real process proxies to registered instances")
    func gatewayProcessWithRegistry() async throws {
        let registry = try await RegistryHarness.start()
        defer { registry.stop() }
        let upstream = try await TestUpstream.start(name: "health-1")
        try await registry.register(upstream, as: "health")
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("gateway-\(UUID().uuidString).yaml").path
        try Self.kong(host: "health.service.consul", path: "/health").write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let port = try FreePort.next()
        let gateway = try ServiceProcess.start(
            [
                "gateway", "--config", path, "--host", "127.0.0.1", "--port", String(port), "--admin-port", String(try FreePort.next()),
                "--registry", registry.url, "--threads", "1",
            ],
            port: port
        )
        defer { gateway.stop() }
        // /health/ready is routed to the instance the registry lists (the gateway has no route of its own there).
        try await gateway.waitUntilReady()
        let reply = try await HTTPClient.shared.send(.GET, "http://127.0.0.1:\(port)/health/x")
        #expect(reply.headers.first(name: "x-upstream") == "health-1")
        gateway.signal(SIGTERM)
        #expect(try await gateway.waitForExit() == 0)
    }
}
