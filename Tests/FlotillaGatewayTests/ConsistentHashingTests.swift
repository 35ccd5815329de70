import AsyncHTTPClient
import Foundation
import NIOHTTP1
import Testing

@testable import FlotillaGateway

/// Kong upstreams with `algorithm: consistent-hashing`: every request with the same hash input lands on the same
/// target, and different inputs spread over the targets; `hash_on: none` hashes nothing (round-robin).
@Suite("Kong consistent-hashing: hash_on header, consumer, query_arg and none")
struct ConsistentHashingTests {
    static func config(_ ports: [Int], hashOn: String) -> String {
        let consumers = (1...8).map { "  - username: c\($0)\n    keyauth_credentials: [{key: key-\($0)}]" }.joined(separator: "\n")
        return """
            _format_version: "3.0"
            services:
              - name: sticky
                host: sticky-upstream
                routes:
                  - name: sticky-route
                    paths: [/sticky]
                plugins:
                  - name: key-auth
            upstreams:
              - name: sticky-upstream
                algorithm: consistent-hashing
            \(hashOn)
                targets:
            \(ports.map { "      - target: 127.0.0.1:\($0)" }.joined(separator: "\n"))
            consumers:
            \(consumers)
            """
    }

    /// Which upstream answered each of `keys`, `rounds` times over.
    static func placements(
        _ client: HTTPClient,
        _ gateway: GatewayFixture,
        keys: [Int],
        rounds: Int,
        request: (Int) -> (path: String, headers: [(String, String)])
    ) async throws -> [Int: Set<String>] {
        var seen: [Int: Set<String>] = [:]
        for _ in 0..<rounds {
            for key in keys {
                let (path, headers) = request(key)
                let reply = try await client.send(.GET, "\(gateway.base)\(path)", headers: headers)
                #expect(reply.status == 200)
                seen[key, default: []].insert(reply.headers.first(name: "x-upstream") ?? "?")
            }
        }
        return seen
    }

    @Test("the same header, consumer or query argument always reaches the same target; none spreads")
    func stickiness() async throws {
        let upstreams = [try await TestUpstream.start(name: "a"), try await TestUpstream.start(name: "b"), try await TestUpstream.start(name: "c")]
        let ports = upstreams.map(\.port)
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let cases: [(hashOn: String, request: (Int) -> (path: String, headers: [(String, String)]))] = [
            ("    hash_on: header\n    hash_on_header: x-user", { ("/sticky/x", [("apikey", "key-1"), ("x-user", "user-\($0)")]) }),
            ("    hash_on: consumer", { ("/sticky/x", [("apikey", "key-\($0)")]) }),
            ("    hash_on: query_arg\n    hash_on_query_arg: cart", { ("/sticky/x?cart=\($0)&other=1", [("apikey", "key-1")]) }),
        ]
        do {
            for (hashOn, request) in cases {
                let gateway = try await GatewayFixture.start(Self.config(ports, hashOn: hashOn), plugins: .kong(PluginServices()))
                let seen = try await Self.placements(client, gateway, keys: Array(1...8), rounds: 4, request: request)
                #expect(seen.values.allSatisfy { $0.count == 1 }, "\(hashOn): \(seen)")
                #expect(Set(seen.values.flatMap { $0 }).count >= 2, "\(hashOn): eight keys all on one target: \(seen)")
                try await gateway.stop()
            }
            // hash_on none (Kong's default): weighted round-robin, so one key meets every target.
            let gateway = try await GatewayFixture.start(Self.config(ports, hashOn: ""), plugins: .kong(PluginServices()))
            let seen = try await Self.placements(client, gateway, keys: [1], rounds: 6) { _ in ("/sticky/x", [("apikey", "key-1")]) }
            #expect(seen[1]?.count == 3, "\(seen)")
            try await gateway.stop()
        } catch {
            Issue.record(error)
        }
        try await client.shutdown()
        for upstream in upstreams { try await upstream.stop() }
    }
}
