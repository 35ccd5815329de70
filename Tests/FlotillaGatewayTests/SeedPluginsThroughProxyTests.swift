import AsyncHTTPClient
import Foundation
import NIOHTTP1
import Testing

@testable import FlotillaGateway

/// The seed's gateway pattern end to end: a Kong service with `rate-limiting` (here 3 an hour: a test that straddles the end of a minute, under load, would see the count start again) and
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
                      hour: 3
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
        let tokens = try await PyJWT.mint([
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
                #expect(reply.headers.first(name: "X-RateLimit-Limit-Hour") == "3")
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

    @Test("top-level jwt_secrets and keyauth_credentials authenticate through the proxy: right credentials 200, wrong 401")
    func topLevelCredentials() async throws {
        let upstream = try await TestUpstream.start(name: "users")
        let secret = "a-shared-secret-of-at-least-32-bytes!!"
        let gateway = try await GatewayFixture.start(
            """
            _format_version: "3.0"
            services:
              - name: user-service
                url: http://127.0.0.1:\(upstream.port)
                routes:
                  - name: jwt-route
                    paths: [/api/users]
                    plugins:
                      - name: jwt
                  - name: key-route
                    paths: [/api/keys]
                    plugins:
                      - name: key-auth
            consumers:
              - username: ada
              - username: bob
                id: 5d1c8f3e-0000-4000-8000-000000000b0b
            jwt_secrets:
              - consumer: ada
                key: ada-issuer
                secret: \(secret)
                algorithm: HS256
            keyauth_credentials:
              - consumer: {id: 5d1c8f3e-0000-4000-8000-000000000b0b}
                key: bob-key
            """,
            plugins: .kong(PluginServices())
        )
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        defer { Task { try? await client.shutdown() } }
        let exp = PyJWT.JSONScalar.number(Double(PyJWT.now + 600))
        let tokens = try await PyJWT.mint([
            .init(payload: ["iss": "ada-issuer", "exp": exp], key: secret, alg: "HS256", headers: nil),
            .init(payload: ["iss": "ada-issuer", "exp": exp], key: "not-the-secret-not-the-secret-!!", alg: "HS256", headers: nil),
            .init(payload: ["iss": "someone-else", "exp": exp], key: secret, alg: "HS256", headers: nil),
        ])

        let good = try await client.send(.GET, gateway.base + "/api/users/1", headers: [("Authorization", "Bearer \(tokens[0])")])
        #expect(good.status == 200)
        #expect(consumerUsername(good) == "ada")
        let forged = try await client.send(.GET, gateway.base + "/api/users/1", headers: [("Authorization", "Bearer \(tokens[1])")])
        #expect(forged.status == 401)
        #expect(forged.json["message"] as? String == "Invalid signature")
        let unknownIssuer = try await client.send(.GET, gateway.base + "/api/users/1", headers: [("Authorization", "Bearer \(tokens[2])")])
        #expect(unknownIssuer.status == 401)

        let keyed = try await client.send(.GET, gateway.base + "/api/keys/1", headers: [("apikey", "bob-key")])
        #expect(keyed.status == 200)
        #expect(consumerUsername(keyed) == "bob")
        let wrongKey = try await client.send(.GET, gateway.base + "/api/keys/1", headers: [("apikey", "ada-key")])
        #expect(wrongKey.status == 401)
        #expect(wrongKey.json["message"] as? String == "Invalid authentication credentials")
        let noKey = try await client.send(.GET, gateway.base + "/api/keys/1")
        #expect(noKey.status == 401)
        #expect(upstream.requests == 2, "only the two authenticated requests reached the upstream")
        try await gateway.stop()
        try await upstream.stop()
    }

    /// The `X-Consumer-Username` header the upstream received, as the echo upstream reports it.
    private func consumerUsername(_ reply: TestReply) -> String? {
        let headers = reply.json["headers"] as? [String: Any] ?? [:]
        return headers.first { $0.key.lowercased() == "x-consumer-username" }?.value as? String
    }
}
