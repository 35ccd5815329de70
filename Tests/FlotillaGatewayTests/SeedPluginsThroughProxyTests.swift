import AsyncHTTPClient
import Foundation
import NIOHTTP1
import Testing

@testable import FlotillaGateway

/// The seed's gateway pattern end to end: a Kong service with `rate-limiting` (here 3 a minute) and
/// `jwt` exactly as the seed writes them (no jwt config), proxied by the real data plane to a real upstream,
/// with tokens minted by PyJWT. An expired token is refused even though `claims_to_verify` is empty.
@Suite("jwt and rate-limiting through the proxy") struct SeedPluginsThroughProxyTests {
    @Test("no token, a forged token and an expired token are 401; a good token passes until the limit, then 429")
    func jwtThenRateLimit() async throws {
        let upstream = try await TestUpstream.start(name: "users")
        let secret = "a-shared-secret-of-at-least-32-bytes!!"
        let gateway = try await GatewayFixture.start(
            """
            _format_version: "3.0"
            services:
              - name: user-service
                url: http://127.0.0.1:\(upstream.port)
                routes:
                  - name: user-route
                    paths:
                      - /api/users
                    methods:
                      - GET
                      - POST
                plugins:
                  - name: rate-limiting
                    config:
                      minute: 3
                  - name: jwt
            consumers:
              - username: ada
                jwt_secrets:
                  - key: ada-issuer
                    secret: \(secret)
                    algorithm: HS256
            """,
            plugins: .kong(PluginServices())
        )
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        defer { Task { try? await client.shutdown() } }
        let now = PyJWT.now
        let tokens = try PyJWT.mint([
            .init(payload: ["iss": "ada-issuer", "exp": .number(Double(now + 600))], key: secret, alg: "HS256", headers: nil),
            .init(
                payload: ["iss": "ada-issuer", "exp": .number(Double(now + 600))],
                key: "not-the-secret-not-the-secret-!!",
                alg: "HS256",
                headers: nil
            ),
            .init(payload: ["iss": "ada-issuer", "exp": .number(Double(now - 60))], key: secret, alg: "HS256", headers: nil),
        ])
        let (good, forged, expired) = (tokens[0], tokens[1], tokens[2])

        let anonymous = try await client.send(.GET, gateway.base + "/api/users/1")
        #expect(anonymous.status == 401)
        #expect(anonymous.json["message"] as? String == "Unauthorized")
        let wrongKey = try await client.send(.GET, gateway.base + "/api/users/1", headers: [("Authorization", "Bearer \(forged)")])
        #expect(wrongKey.status == 401)
        #expect(wrongKey.json["message"] as? String == "Invalid signature")
        let stale = try await client.send(.GET, gateway.base + "/api/users/1", headers: [("Authorization", "Bearer \(expired)")])
        #expect(stale.status == 401)
        #expect(upstream.requests == 0, "nothing unauthenticated reached the upstream")

        var statuses: [Int] = []
        for _ in 0..<4 {
            let reply = try await client.send(.GET, gateway.base + "/api/users/1", headers: [("Authorization", "Bearer \(good)")])
            statuses.append(reply.status)
            if reply.status == 200 {
                #expect(reply.headers.first(name: "X-RateLimit-Limit-Minute") == "3")
                #expect(reply.json["uri"] as? String == "/1", "strip_path removes /api/users")
                let upstreamHeaders = reply.json["headers"] as? [String: Any] ?? [:]
                #expect(upstreamHeaders.keys.contains { $0.lowercased() == "x-consumer-username" })
            } else {
                #expect(reply.json["message"] as? String == "API rate limit exceeded")
                #expect(reply.headers.first(name: "Retry-After") != nil)
            }
        }
        #expect(statuses == [200, 200, 200, 429])
        #expect(upstream.requests == 3)
        try await gateway.stop()
        try await upstream.stop()
    }
}
