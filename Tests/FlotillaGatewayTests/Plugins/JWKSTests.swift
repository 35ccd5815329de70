import FlotillaGateway
import FlotillaTesting
import Foundation
import Testing

/// The jwt plugin's `jwks_uri` extension, against a real HTTP server publishing a JWKS document.
@Suite("jwt plugin with jwks_uri")
struct JWKSTests {
    static func writeJWKS(_ keys: [(kid: String, jwk: [String: String])], to folder: URL) throws {
        let entries = keys.map { key in
            var entry = key.jwk
            entry["kid"] = key.kid
            entry["alg"] = "RS256"
            entry["use"] = "sig"
            return entry
        }
        try JSONEncoder().encode(["keys": entries]).write(to: folder.appendingPathComponent("jwks.json"))
    }

    @Test func rs256TokensVerifyAgainstTheIssuersJWKSAndKeyRotationIsPickedUp() async throws {
        let keys = try await PyJWT.sharedKeys()
        let folder = try Command.temporaryDirectory(prefix: "flotilla-jwks")
        try Self.writeJWKS([("k1", keys.rsaJWK)], to: folder)
        let port = try FreePort.next()
        let server = try await PythonServer.start(port: port, ["-m", "http.server", String(port), "--bind", "127.0.0.1", "--directory", folder.path])
        defer {
            server.stop()
            try? FileManager.default.removeItem(at: folder)
        }

        let now = PyJWT.now
        let claims: [String: PyJWT.JSONScalar] = ["iss": "user-service", "sub": "u-1", "exp": .number(Double(now + 600))]
        let tokens = try await PyJWT.mint([
            .init(payload: claims, key: keys.rsa.private, alg: "RS256", headers: ["kid": "k1"]),
            .init(payload: claims, key: keys.rsaOther.private, alg: "RS256", headers: ["kid": "k1"]),
            .init(payload: claims, key: keys.rsaOther.private, alg: "RS256", headers: ["kid": "k2"]),
            .init(payload: claims, key: "a-shared-secret-that-is-long-enough-for-hs256", alg: "HS256"),
            .init(
                payload: ["iss": "user-service", "sub": "u-1", "exp": .number(Double(now - 5))],
                key: keys.rsa.private,
                alg: "RS256",
                headers: ["kid": "k1"]
            ),
        ])
        let plugin = try PluginTest.factory(consumers: try await JWTPluginTests.consumers()).make(
            name: "jwt",
            config: try PluginTest.config(
                "claims_to_verify: [exp]\njwks_uri: http://127.0.0.1:\(server.port)/jwks.json\njwks_refetch_interval: 0"
            )
        )

        var exchange = JWTPluginTests.bearer(tokens[0])
        let accepted = await plugin.access(&exchange)
        #expect(accepted == nil)
        #expect(exchange.credentialIdentifier == "u-1")
        #expect(PluginTest.header(exchange.request.headerFields, "X-Credential-Identifier") == "u-1")

        let expected: [(String, String)] = [
            (tokens[1], #"{"message":"Invalid signature"}"#),
            (tokens[2], #"{"message":"No credentials found for given 'iss'"}"#),
            (tokens[3], #"{"message":"Invalid algorithm"}"#),
            (tokens[4], #"{"exp":"token expired"}"#),
        ]
        for (token, body) in expected {
            var denied = JWTPluginTests.bearer(token)
            let response = await plugin.access(&denied)
            #expect(response?.status == .unauthorized)
            #expect(PluginTest.body(response) == body)
        }

        // The issuer rotates to k2: an unknown kid triggers a refetch.
        try Self.writeJWKS([("k1", keys.rsaJWK), ("k2", keys.rsaOtherJWK)], to: folder)
        var rotated = JWTPluginTests.bearer(tokens[2])
        let afterRotation = await plugin.access(&rotated)
        #expect(afterRotation == nil)
    }
}
