import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Testing

@testable import FlotillaGateway

@Suite("Traffic management (Istio VirtualService and DestinationRule)")
struct TrafficTests {
    /// Kong routes /api/users to host user-service; the seed's VirtualService and DestinationRule split it; the
    /// endpoints and their version labels come from a Kong upstream whose targets carry `version:` tags.
    static func canaryConfig(v1: Int, v2: Int, policy: String = "") -> String {
        """
        services:
          - name: user-service
            url: http://user-service:8080
            routes:
              - name: user-route
                paths:
                  - /api/users
        upstreams:
          - name: user-service
            targets:
              - target: 127.0.0.1:\(v1)
                tags: ["version:v1"]
              - target: 127.0.0.1:\(v2)
                tags: ["version:v2"]
        ---
        \(SeedConfigurations.istio)
        """
    }

    @Test("canary: a 90/10 split lands within ±2% over 10,000 requests; canary: true goes to v2")
    func canarySplit() async throws {
        let v1 = try await TestUpstream.start(name: "v1")
        let v2 = try await TestUpstream.start(name: "v2")
        let gateway = try await GatewayFixture.start(Self.canaryConfig(v1: v1.port, v2: v2.port), threads: 2)
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            let total = 10_000
            try await withThrowingTaskGroup(of: Void.self) { group in
                for worker in 0..<16 {
                    group.addTask {
                        var index = worker
                        while index < total {
                            let reply = try await client.send(.GET, "\(gateway.base)/api/users")
                            #expect(reply.status == 200)
                            index += 16
                        }
                    }
                }
                try await group.waitForAll()
            }
            let share = Double(v2.requests) / Double(total)
            #expect(v1.requests + v2.requests == total)
            #expect(abs(share - 0.10) <= 0.02, "v2 got \(share * 100)%")

            let before = v2.requests
            for _ in 0..<50 {
                let reply = try await client.send(.GET, "\(gateway.base)/api/users", headers: [("canary", "true")])
                #expect(reply.headers.first(name: "x-upstream") == "v2")
            }
            #expect(v2.requests == before + 50)
        } catch {
            Issue.record(error)
        }
        try await client.shutdown()
        try await gateway.stop()
        try await v1.stop()
        try await v2.stop()
    }

    @Test("outlier detection ejects a failing target and lets it back after baseEjectionTime")
    func ejectionAndRecovery() async throws {
        let good = try await TestUpstream.start(name: "good")
        let bad = try await TestUpstream.start(name: "bad")
        bad.failing = true
        let yaml = """
            services:
              - name: api
                host: backend
                routes:
                  - paths: [/]
            upstreams:
              - name: backend
                targets:
                  - target: 127.0.0.1:\(good.port)
                  - target: 127.0.0.1:\(bad.port)
            ---
            apiVersion: networking.istio.io/v1beta1
            kind: DestinationRule
            metadata: {name: backend}
            spec:
              host: backend
              trafficPolicy:
                loadBalancer: {simple: ROUND_ROBIN}
                outlierDetection:
                  consecutive5xxErrors: 3
                  baseEjectionTime: 4s
                  maxEjectionPercent: 50
            """
        let gateway = try await GatewayFixture.start(yaml)
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            var failures = 0
            for _ in 0..<20 {
                let status = try await client.send(.GET, "\(gateway.base)/x").status
                if status == 500 { failures += 1 }
            }
            #expect(failures == 3)
            let health = gateway.server.runtime.snapshot.clusters["backend"]?.outlier?.ejected()
            #expect(health == [false, true])
            let badBefore = bad.requests
            for _ in 0..<10 {
                let status = try await client.send(.GET, "\(gateway.base)/x").status
                #expect(status == 200)
            }
            #expect(bad.requests == badBefore)

            bad.failing = false
            try await Task.sleep(for: .milliseconds(4300))
            for _ in 0..<10 {
                let status = try await client.send(.GET, "\(gateway.base)/x").status
                #expect(status == 200)
            }
            #expect(bad.requests > badBefore)
        } catch {
            Issue.record(error)
        }
        try await client.shutdown()
        try await gateway.stop()
        try await good.stop()
        try await bad.stop()
    }

    @Test("connection pool: beyond maxConnections + http1MaxPendingRequests, 503 at once")
    func poolOverflow() async throws {
        let upstream = try await TestUpstream.start(name: "slow")
        let yaml = """
            services:
              - name: api
                host: backend
                routes:
                  - paths: [/]
            upstreams:
              - name: backend
                targets:
                  - target: 127.0.0.1:\(upstream.port)
            ---
            apiVersion: networking.istio.io/v1beta1
            kind: DestinationRule
            metadata: {name: backend}
            spec:
              host: backend
              trafficPolicy:
                connectionPool:
                  tcp: {maxConnections: 2}
                  http: {http1MaxPendingRequests: 2}
            """
        let gateway = try await GatewayFixture.start(yaml, threads: 2)
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            let statuses = try await withThrowingTaskGroup(of: (Int, Duration).self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        let started = ContinuousClock.now
                        let status = try await client.send(.GET, "\(gateway.base)/slow/1500").status
                        return (status, ContinuousClock.now - started)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.filter { $0.0 == 200 }.count == 4)
            let rejected = statuses.filter { $0.0 == 503 }
            #expect(rejected.count == 4)
            // At once: each 503 came back before any proxied request could (the upstream takes 1.5 s to answer).
            let fastestProxied = statuses.filter { $0.0 == 200 }.map(\.1).min() ?? .seconds(1_000)
            #expect(fastestProxied >= .milliseconds(1500))
            #expect(rejected.allSatisfy { $0.1 < fastestProxied }, "\(statuses)")
        } catch {
            Issue.record(error)
        }
        try await client.shutdown()
        try await gateway.stop()
        try await upstream.stop()
    }

    @Test("retries: idempotent requests retry 5xx on another target; POST does not; fault abort and delay")
    func retriesAndFaults() async throws {
        let good = try await TestUpstream.start(name: "good")
        let bad = try await TestUpstream.start(name: "bad")
        bad.failing = true
        let yaml = """
            apiVersion: networking.istio.io/v1beta1
            kind: ServiceEntry
            metadata: {name: backend}
            spec:
              hosts: [backend]
              endpoints:
                - address: 127.0.0.1
                  ports: {http: \(good.port)}
                - address: 127.0.0.1
                  ports: {http: \(bad.port)}
            ---
            apiVersion: networking.istio.io/v1beta1
            kind: VirtualService
            metadata: {name: backend}
            spec:
              hosts: [backend.local]
              http:
                - match:
                    - uri: {prefix: /abort}
                  fault:
                    abort:
                      percentage: {value: 100}
                      httpStatus: 418
                  route:
                    - destination: {host: backend}
                - match:
                    - uri: {prefix: /delay}
                  fault:
                    delay:
                      percentage: {value: 100}
                      fixedDelay: 300ms
                  route:
                    - destination: {host: backend}
                - route:
                    - destination: {host: backend}
                  retries:
                    attempts: 2
                    perTryTimeout: 1s
                    retryOn: 5xx
            """
        let gateway = try await GatewayFixture.start(yaml)
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            for _ in 0..<10 {
                let reply = try await client.send(.GET, "\(gateway.base)/x", headers: [("host", "backend.local")])
                #expect(reply.status == 200)
            }
            var postFailures = 0
            for _ in 0..<10 {
                let status = try await client.send(.POST, "\(gateway.base)/x", headers: [("host", "backend.local")], body: "{}").status
                if status == 500 { postFailures += 1 }
            }
            #expect(postFailures > 0)
            let aborted = try await client.send(.GET, "\(gateway.base)/abort", headers: [("host", "backend.local")])
            #expect(aborted.status == 418)
            let started = ContinuousClock.now
            bad.failing = false
            let delayed = try await client.send(.GET, "\(gateway.base)/delay", headers: [("host", "backend.local")])
            #expect(delayed.status == 200)
            #expect(ContinuousClock.now - started >= .milliseconds(300))
        } catch {
            Issue.record(error)
        }
        try await client.shutdown()
        try await gateway.stop()
        try await good.stop()
        try await bad.stop()
    }
}
