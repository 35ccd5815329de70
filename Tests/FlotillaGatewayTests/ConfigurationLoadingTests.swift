import Foundation
import Testing

@testable import FlotillaGateway

@Suite("Configuration loading")
struct ConfigurationLoadingTests {
    @Test(
        "the fixtures are the seed's text, byte for byte",
        .enabled(if: FileManager.default.fileExists(atPath: "/work/shared/seed/microservices-and-containerization.md"))
    )
    func fixturesAreVerbatim() throws {
        let seed = try String(contentsOfFile: "/work/shared/seed/microservices-and-containerization.md", encoding: .utf8)
        #expect(seed.contains(SeedConfigurations.kong))
        #expect(seed.contains(SeedConfigurations.istio))
    }

    @Test("the seed's Kong YAML loads unmodified")
    func seedKong() throws {
        let configuration = try GatewayConfigurationLoader.parse(SeedConfigurations.kong, file: "seed-kong.yaml")
        #expect(configuration.services.count == 1)
        let service = try #require(configuration.services.first)
        #expect(service.name == "user-service")
        #expect(service.host == "user-service")
        #expect(service.port == 8080)
        #expect(service.retries == 5)
        #expect(configuration.routes.count == 1)
        let route = try #require(configuration.routes.first)
        #expect(route.name == "user-route")
        #expect(route.paths == ["/api/users"])
        #expect(route.methods == ["GET", "POST"])
        #expect(route.stripPath)
        #expect(!route.preserveHost)
        #expect(configuration.plugins.map(\.name) == ["rate-limiting", "jwt"])
        #expect(configuration.plugins.allSatisfy { $0.scope == .service(0) })
    }

    @Test("the seed's Istio VirtualService and DestinationRule load unmodified")
    func seedIstio() throws {
        let configuration = try GatewayConfigurationLoader.parse(SeedConfigurations.istio, file: "seed-istio.yaml")
        let service = try #require(configuration.virtualServices.first)
        #expect(service.hosts == ["user-service"])
        #expect(service.http.count == 2)
        #expect(service.http[0].matches.first?.headers["canary"] == .exact("true"))
        #expect(service.http[0].destinations == [RouteDestination(host: "user-service", subset: "v2", port: nil, weight: 100)])
        #expect(service.http[1].destinations.map(\.weight) == [90, 10])
        #expect(service.http[1].destinations.map(\.subset) == ["v1", "v2"])
        let rule = try #require(configuration.destinationRules.first)
        #expect(rule.host == "user-service")
        #expect(rule.trafficPolicy.maxConnections == 100)
        #expect(rule.trafficPolicy.http1MaxPendingRequests == 50)
        #expect(rule.trafficPolicy.loadBalancer == .leastRequest)
        #expect(rule.subsets.map(\.name) == ["v1", "v2"])
        #expect(rule.subsets[1].labels == ["version": "v2"])
    }

    @Test("Kong and Istio documents combine in one file")
    func combined() throws {
        let text = SeedConfigurations.kong + "\n---\n" + SeedConfigurations.istio
        let configuration = try GatewayConfigurationLoader.parse(text, file: "gateway.yaml")
        let snapshot = GatewaySnapshot(configuration)
        #expect(snapshot.services[0].virtualService?.service.name == "user-service")
        #expect(snapshot.services[0].cluster.budget?.maxInFlight == 100)
    }

    @Test("a full Kong 3.0 file: upstreams, targets with tags, top-level routes and plugins, timeouts")
    func fullKong() throws {
        let text = """
            _format_version: "3.0"
            upstreams:
              - name: orders
                algorithm: consistent-hashing
                hash_on: header
                hash_on_header: x-user
                targets:
                  - target: 127.0.0.1:9001
                    weight: 50
                    tags: ["version:v1"]
            targets:
              - upstream: orders
                target: 127.0.0.1:9002
            services:
              - name: orders
                protocol: http
                host: orders
                port: 80
                path: /orders
                retries: 2
                connect_timeout: 1500
                read_timeout: 2500
                write_timeout: 3500
            routes:
              - name: orders-route
                service: orders
                paths: ["~/api/orders/\\\\d+$"]
                hosts: ["*.example.com"]
                headers:
                  x-version: ["v1", "v2"]
                regex_priority: 5
                strip_path: false
                preserve_host: true
            plugins:
              - name: cors
              - name: key-auth
                route: orders-route
            consumers:
              - username: alice
            """
        let configuration = try GatewayConfigurationLoader.parse(text, file: "kong.yaml")
        let upstream = try #require(configuration.upstreams.first)
        #expect(upstream.algorithm == .consistentHashing)
        #expect(upstream.targets.map(\.port) == [9001, 9002])
        #expect(upstream.targets[0].labels == ["version": "v1"])
        #expect(upstream.targets[1].weight == 100)
        let service = try #require(configuration.services.first)
        #expect(service.path == "/orders")
        #expect(service.retries == 2)
        #expect(service.connectTimeout == .milliseconds(1500))
        #expect(service.readTimeout == .milliseconds(2500))
        #expect(service.writeTimeout == .milliseconds(3500))
        let route = try #require(configuration.routes.first)
        #expect(route.paths == [#"~/api/orders/\d+$"#])
        #expect(route.headers == ["x-version": ["v1", "v2"]])
        #expect(route.regexPriority == 5)
        #expect(!route.stripPath)
        #expect(route.preserveHost)
        #expect(configuration.plugins.map(\.scope) == [.global, .route(0)])
        #expect(configuration.consumerNames == ["alice"])
    }

    @Test("Istio retries, timeout, fault, rewrite, outlier detection, consistent hash and ServiceEntry")
    func fullIstio() throws {
        let text = """
            apiVersion: networking.istio.io/v1beta1
            kind: ServiceEntry
            metadata:
              name: orders
            spec:
              hosts: [orders]
              ports:
                - number: 8080
                  name: http
              endpoints:
                - address: 127.0.0.1
                  labels: {version: v1}
                - address: 127.0.0.2
                  ports: {http: 9090}
                  labels: {version: v2}
            ---
            apiVersion: networking.istio.io/v1beta1
            kind: VirtualService
            metadata:
              name: orders
            spec:
              hosts: [orders.example.com]
              http:
                - match:
                    - uri:
                        prefix: /v2/
                  rewrite:
                    uri: /
                  route:
                    - destination:
                        host: orders
                  timeout: 1.5s
                  retries:
                    attempts: 3
                    perTryTimeout: 500ms
                    retryOn: 5xx,connect-failure
                  fault:
                    delay:
                      percentage:
                        value: 10
                      fixedDelay: 2s
                    abort:
                      percentage:
                        value: 0.5
                      httpStatus: 503
            ---
            apiVersion: networking.istio.io/v1beta1
            kind: DestinationRule
            metadata:
              name: orders
            spec:
              host: orders
              trafficPolicy:
                loadBalancer:
                  consistentHash:
                    httpHeaderName: X-User
                outlierDetection:
                  consecutive5xxErrors: 3
                  baseEjectionTime: 30s
                  maxEjectionPercent: 50
            """
        let configuration = try GatewayConfigurationLoader.parse(text, file: "istio.yaml")
        let entry = try #require(configuration.serviceEntries.first)
        #expect(entry.endpoints.map(\.port) == [8080, 9090])
        let rule = try #require(configuration.virtualServices.first?.http.first)
        #expect(rule.matches.first?.uri == .prefix("/v2/"))
        #expect(rule.rewriteURI == "/")
        #expect(rule.timeout == .milliseconds(1500))
        #expect(rule.retries == RetryPolicy(attempts: 3, perTryTimeout: .milliseconds(500), retryOn: ["5xx", "connect-failure"]))
        #expect(rule.fault?.delay == .seconds(2))
        #expect(rule.fault?.delayPercentage == 10)
        #expect(rule.fault?.abortStatus == 503)
        #expect(rule.fault?.abortPercentage == 0.5)
        let policy = try #require(configuration.destinationRules.first?.trafficPolicy)
        #expect(policy.loadBalancer == .consistentHash(.header("x-user")))
        #expect(policy.outlierDetection?.consecutive5xxErrors == 3)
        #expect(policy.outlierDetection?.baseEjectionTime == .seconds(30))
        #expect(policy.outlierDetection?.maxEjectionPercent == 50)
    }
}
