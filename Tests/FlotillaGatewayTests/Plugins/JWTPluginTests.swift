import FlotillaTesting
import Foundation
import HTTPTypes
import Testing

@testable import FlotillaGateway

@Suite("jwt plugin (tokens minted by PyJWT)")
struct JWTPluginTests {
    static let secret = "a-shared-secret-that-is-long-enough-for-hs256"

    static func consumers() async throws -> ConsumerDirectory {
        let keys = try await PyJWT.sharedKeys()
        let consumers: [GatewayConsumer] = [
            GatewayConsumer(
                username: "alice",
                customID: "c-1",
                jwtSecrets: [
                    JWTCredential(key: "alice-issuer", secret: secret),
                    JWTCredential(key: "short-issuer", secret: "s3cr3t"),
                    JWTCredential(key: "rsa-issuer", algorithm: "RS256", rsaPublicKey: keys.rsa.public),
                    JWTCredential(key: "ec-issuer", algorithm: "ES256", rsaPublicKey: keys.ec.public),
                ]
            ),
            GatewayConsumer(username: "guest"),
        ]
        return ConsumerDirectory(consumers)
    }

    static func plugin(_ yaml: String = "") async throws -> any GatewayPlugin {
        try PluginTest.factory(consumers: await consumers()).make(name: "jwt", config: try PluginTest.config(yaml))
    }

    static func bearer(_ token: String, path: String = "/orders") -> GatewayExchange {
        PluginTest.exchange(path, headers: [("Authorization", "Bearer \(token)")])
    }

    static func run(_ plugin: any GatewayPlugin, _ exchange: GatewayExchange) async -> (GatewayPluginResponse?, GatewayExchange) {
        var exchange = exchange
        let response = await plugin.access(&exchange)
        return (response, exchange)
    }

    @Test func validHS256TokenSetsTheConsumerAndUpstreamHeaders() async throws {
        let token = try await PyJWT.mint(.init(payload: ["iss": "alice-issuer", "sub": "42"], key: Self.secret, alg: "HS256"))
        let (response, exchange) = await Self.run(try await Self.plugin(), Self.bearer(token))
        #expect(response == nil)
        #expect(exchange.consumer?.username == "alice")
        #expect(exchange.credentialIdentifier == "alice-issuer")
        let fields = exchange.request.headerFields
        #expect(PluginTest.header(fields, "X-Consumer-ID") == exchange.consumer?.id)
        #expect(PluginTest.header(fields, "X-Consumer-Username") == "alice")
        #expect(PluginTest.header(fields, "X-Consumer-Custom-ID") == "c-1")
        #expect(PluginTest.header(fields, "X-Credential-Identifier") == "alice-issuer")
        #expect(PluginTest.header(fields, "X-Anonymous-Consumer") == nil)
        #expect(PluginTest.header(fields, "Authorization") == "Bearer \(token)")
    }

    @Test func consumerFieldsTheClientSentAreReplacedNotJoined() async throws {
        let token = try await PyJWT.mint(.init(payload: ["iss": "alice-issuer"], key: Self.secret, alg: "HS256"))
        let spoofed = PluginTest.exchange(
            "/api",
            headers: [
                ("X-Consumer-ID", "someone-else"), ("Authorization", "Bearer \(token)"), ("x-consumer-username", "mallory"),
                ("X-Anonymous-Consumer", "true"), ("X-Consumer-ID", "and-another"),
            ]
        )
        let (response, exchange) = await Self.run(try await Self.plugin(), spoofed)
        #expect(response == nil)
        let fields = exchange.request.headerFields
        #expect(PluginTest.header(fields, "X-Consumer-ID") == exchange.consumer?.id)
        #expect(PluginTest.header(fields, "X-Consumer-Username") == "alice")
        #expect(PluginTest.header(fields, "X-Anonymous-Consumer") == nil)
        #expect(PluginTest.header(fields, "Authorization") == "Bearer \(token)")
    }

    @Test func aSecretShorterThanTheHashWorksAsInKong() async throws {
        let token = try await PyJWT.mint(.init(payload: ["iss": "short-issuer"], key: "s3cr3t", alg: "HS256"))
        let (response, exchange) = await Self.run(try await Self.plugin(), Self.bearer(token))
        #expect(response == nil)
        #expect(exchange.consumer?.username == "alice")
        let wrong = try await PyJWT.mint(.init(payload: ["iss": "short-issuer"], key: "s3cr3u", alg: "HS256"))
        let (denied, _) = await Self.run(try await Self.plugin(), Self.bearer(wrong))
        #expect(denied?.status == .unauthorized)
        #expect(PluginTest.body(denied) == #"{"message":"Invalid signature"}"#)
    }

    @Test func rs256AndES256TokensVerifyWithThePublicKeys() async throws {
        let keys = try await PyJWT.sharedKeys()
        let tokens = try await PyJWT.mint([
            .init(payload: ["iss": "rsa-issuer"], key: keys.rsa.private, alg: "RS256"),
            .init(payload: ["iss": "ec-issuer"], key: keys.ec.private, alg: "ES256"),
            .init(payload: ["iss": "rsa-issuer"], key: keys.rsaOther.private, alg: "RS256"),
        ])
        let plugin = try await Self.plugin()
        #expect(await Self.run(plugin, Self.bearer(tokens[0])).0 == nil)
        #expect(await Self.run(plugin, Self.bearer(tokens[1])).0 == nil)
        let (wrongKey, exchange) = await Self.run(plugin, Self.bearer(tokens[2]))
        #expect(wrongKey?.status == .unauthorized)
        #expect(PluginTest.body(wrongKey) == #"{"message":"Invalid signature"}"#)
        #expect(exchange.consumer == nil)
    }

    /// Every failure mode, each a 401 with Kong's body, every time.
    @Test func everyFailureModeIsA401WithKongsBody() async throws {
        let keys = try await PyJWT.sharedKeys()
        let now = PyJWT.now
        func claims(_ extra: [String: PyJWT.JSONScalar]) -> [String: PyJWT.JSONScalar] {
            var all: [String: PyJWT.JSONScalar] = ["exp": .number(Double(now + 900)), "nbf": .number(Double(now - 10))]
            all.merge(extra) { $1 }
            return all
        }
        let tokens = try await PyJWT.mint([
            .init(payload: claims(["iss": "alice-issuer"]), key: nil, alg: "none"),
            .init(payload: claims(["iss": "alice-issuer"]), key: "another-secret-that-is-long-enough-too", alg: "HS256"),
            .init(payload: claims(["iss": "alice-issuer", "exp": .number(Double(now - 10))]), key: Self.secret, alg: "HS256"),
            .init(payload: claims(["iss": "alice-issuer", "nbf": .number(Double(now + 600))]), key: Self.secret, alg: "HS256"),
            .init(payload: claims(["iss": "nobody"]), key: Self.secret, alg: "HS256"),
            .init(payload: claims(["sub": "no issuer"]), key: Self.secret, alg: "HS256"),
            .init(payload: claims(["iss": "rsa-issuer"]), key: Self.secret, alg: "HS256"),
            .init(payload: claims(["iss": "alice-issuer"]), key: keys.rsa.private, alg: "RS256"),
            .init(payload: claims(["iss": "alice-issuer", "exp": "tomorrow"]), key: Self.secret, alg: "HS256"),
            .init(payload: claims(["iss": ""]), key: Self.secret, alg: "HS256"),
            .init(payload: claims(["iss": "alice-issuer", "role": "user"]), key: Self.secret, alg: "HS256"),
        ])
        let tampered = Self.tamper(tokens[10])
        let cases: [(String, String)] = [
            (tokens[0], #"{"message":"Bad token; invalid alg"}"#),
            (tokens[1], #"{"message":"Invalid signature"}"#),
            (tokens[2], #"{"exp":"token expired"}"#),
            (tokens[3], #"{"nbf":"token not valid yet"}"#),
            (tokens[4], #"{"message":"No credentials found for given 'iss'"}"#),
            (tokens[5], #"{"message":"No mandatory 'iss' in claims"}"#),
            (tokens[6], #"{"message":"Invalid algorithm"}"#),
            (tokens[7], #"{"message":"Invalid algorithm"}"#),
            (tokens[8], #"{"exp":"must be a number"}"#),
            (tokens[9], #"{"message":"Invalid 'iss' in claims"}"#),
            (tampered, #"{"message":"Invalid signature"}"#),
            ("not-a-token", #"{"message":"Bad token; invalid JSON"}"#),
            ("a.b.c", #"{"message":"Bad token; invalid JSON"}"#),
        ]
        let plugin = try await Self.plugin("claims_to_verify: [exp, nbf]")
        for _ in 0..<2 {
            for (token, body) in cases {
                let (response, exchange) = await Self.run(plugin, Self.bearer(token))
                #expect(response?.status == .unauthorized, "\(body)")
                #expect(PluginTest.body(response) == body)
                #expect(response.flatMap { PluginTest.header($0.headers, "Content-Type") } == "application/json; charset=utf-8")
                #expect(exchange.consumer == nil)
                #expect(PluginTest.header(exchange.request.headerFields, "X-Consumer-ID") == nil)
            }
        }
        let (missing, _) = await Self.run(plugin, PluginTest.exchange())
        #expect(missing?.status == .unauthorized)
        #expect(PluginTest.body(missing) == #"{"message":"Unauthorized"}"#)
        // The untampered token passes: the failures above are the tampering, not the token.
        #expect(await Self.run(plugin, Self.bearer(tokens[10])).0 == nil)
    }

    /// Kong's pattern `\s*[Bb]earer\s+(.+)`, on the fast path (`Bearer <token>`) and off it.
    @Test func bearerTokensAreFoundAsKongsPatternFindsThem() {
        #expect(JWTTokenLocator.bearerToken("Bearer abc.def.ghi") == "abc.def.ghi")
        #expect(JWTTokenLocator.bearerToken("bearer abc") == "abc")
        #expect(JWTTokenLocator.bearerToken("Bearer   abc") == "abc")
        #expect(JWTTokenLocator.bearerToken("Bearer abc\nsecond-line") == "abc")
        #expect(JWTTokenLocator.bearerToken("Token x, Bearer abc") == "abc")
        #expect(JWTTokenLocator.bearerToken("Bearer ") == nil)
        #expect(JWTTokenLocator.bearerToken("Bearerabc") == nil)
        #expect(JWTTokenLocator.bearerToken("Basic dXNlcjpwYXNz") == nil)
    }

    /// The payload changed (role user → admin), header and signature kept.
    static func tamper(_ token: String) -> String {
        let parts = token.split(separator: ".").map(String.init)
        var payload = parts[1].replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while payload.count % 4 != 0 { payload += "=" }
        let json = String(decoding: Data(base64Encoded: payload)!, as: UTF8.self).replacingOccurrences(of: "user", with: "admin")
        let encoded = Data(json.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        return [parts[0], encoded, parts[2]].joined(separator: ".")
    }

    /// Unlike Kong, an expired token is refused even when `claims_to_verify` is empty (the seed's bare `jwt`);
    /// without `exp` listed, a token with no `exp` (or a non-numeric one) still passes, as in Kong.
    @Test func expiredTokensAreRefusedEvenWhenExpIsNotListed() async throws {
        let now = PyJWT.now
        let tokens = try await PyJWT.mint([
            .init(payload: ["iss": "alice-issuer", "exp": .number(Double(now - 10))], key: Self.secret, alg: "HS256"),
            .init(payload: ["iss": "alice-issuer"], key: Self.secret, alg: "HS256"),
            .init(payload: ["iss": "alice-issuer", "exp": .number(Double(now + 600))], key: Self.secret, alg: "HS256"),
        ])
        let plugin = try await Self.plugin()
        for _ in 0..<2 {
            let (expired, _) = await Self.run(plugin, Self.bearer(tokens[0]))
            #expect(expired?.status == .unauthorized)
            #expect(PluginTest.body(expired) == #"{"exp":"token expired"}"#)
        }
        #expect(await Self.run(plugin, Self.bearer(tokens[1])).0 == nil)
        #expect(await Self.run(plugin, Self.bearer(tokens[2])).0 == nil)
    }

    @Test func maximumExpirationRejectsLongLivedTokens() async throws {
        let now = PyJWT.now
        let tokens = try await PyJWT.mint([
            .init(payload: ["iss": "alice-issuer", "exp": .number(Double(now + 7_200))], key: Self.secret, alg: "HS256"),
            .init(payload: ["iss": "alice-issuer", "exp": .number(Double(now + 600))], key: Self.secret, alg: "HS256"),
        ])
        let plugin = try await Self.plugin("claims_to_verify: [exp]\nmaximum_expiration: 3600")
        let (tooLong, _) = await Self.run(plugin, Self.bearer(tokens[0]))
        #expect(tooLong?.status == .unauthorized)
        #expect(PluginTest.body(tooLong) == #"{"exp":"exceeds maximum allowed expiration"}"#)
        #expect(await Self.run(plugin, Self.bearer(tokens[1])).0 == nil)
    }

    @Test func tokensAreFoundInQueryCookiesAndConfiguredHeaders() async throws {
        let token = try await PyJWT.mint(.init(payload: ["iss": "alice-issuer"], key: Self.secret, alg: "HS256"))
        let plugin = try await Self.plugin("cookie_names: [session]\nheader_names: [x-token]")
        #expect(await Self.run(plugin, PluginTest.exchange("/orders?jwt=\(token)")).0 == nil)
        #expect(await Self.run(plugin, PluginTest.exchange(headers: [("Cookie", "a=b; session=\(token)")])).0 == nil)
        #expect(await Self.run(plugin, PluginTest.exchange(headers: [("X-Token", "bearer \(token)")])).0 == nil)
        // Authorization is not looked at once header_names is replaced.
        let (ignored, _) = await Self.run(plugin, Self.bearer(token))
        #expect(PluginTest.body(ignored) == #"{"message":"Unauthorized"}"#)
        let (multiple, _) = await Self.run(plugin, PluginTest.exchange("/orders?jwt=\(token)&jwt=\(token)"))
        #expect(PluginTest.body(multiple) == #"{"message":"Multiple tokens provided"}"#)
    }

    @Test func anonymousConsumerAndPreflight() async throws {
        let plugin = try await Self.plugin("anonymous: guest\nrun_on_preflight: false")
        let (response, exchange) = await Self.run(plugin, Self.bearer("garbage"))
        #expect(response == nil)
        #expect(exchange.consumer?.username == "guest")
        #expect(PluginTest.header(exchange.request.headerFields, "X-Anonymous-Consumer") == "true")
        #expect(await Self.run(plugin, PluginTest.exchange(method: .options)).0 == nil)
        let missingAnonymous = try await Self.plugin("anonymous: nobody")
        #expect(await Self.run(missingAnonymous, PluginTest.exchange()).0?.status == .internalServerError)
    }

    @Test func configurationDefaultsAndErrorsNameTheField() throws {
        #expect(PluginTest.configurationError("jwt", "") == nil)
        #expect(PluginTest.configurationError("jwt", "claims_to_verify: [iat]")?.hasPrefix("config.claims_to_verify[1]:") == true)
        #expect(PluginTest.configurationError("jwt", "maximum_expiration: 60")?.hasPrefix("config.claims_to_verify:") == true)
        #expect(PluginTest.configurationError("jwt", "maximum_expiration: -1")?.hasPrefix("config.maximum_expiration:") == true)
        #expect(PluginTest.configurationError("jwt", "uri_param_names: jwt")?.hasPrefix("config.uri_param_names:") == true)
        #expect(PluginTest.configurationError("jwt", "run_on_preflight: maybe")?.hasPrefix("config.run_on_preflight:") == true)
        #expect(PluginTest.configurationError("jwt", "key_claim: iss")?.hasPrefix("config.key_claim: unknown field") == true)
        #expect(PluginTest.configurationError("jwt", "jwks_uri: ftp://x")?.hasPrefix("config.jwks_uri:") == true)
        let badKey = ConsumerDirectory([
            GatewayConsumer(username: "bob", jwtSecrets: [JWTCredential(key: "k", algorithm: "RS256", rsaPublicKey: "not a pem")])
        ])
        #expect(PluginTest.configurationError("jwt", "", consumers: badKey)?.contains("rsa_public_key") == true)
    }

    @Test func consumersDecodeFromKongYAML() throws {
        let directory = try PluginTest.consumers(
            """
            - username: alice
              custom_id: c-1
              jwt_secrets:
                - key: alice-issuer
                  secret: s3cr3t
                - key: rsa-issuer
                  algorithm: RS256
                  rsa_public_key: PEM
              keyauth_credentials:
                - key: alice-key
            - id: 7f8e2a62-0000-4000-8000-000000000001
              username: bob
            """
        )
        #expect(directory.jwtCredential(key: "alice-issuer")?.consumer.username == "alice")
        #expect(directory.jwtCredential(key: "alice-issuer")?.credential.algorithm == "HS256")
        #expect(directory.keyAuthCredential(apiKey: "alice-key")?.consumer.customID == "c-1")
        #expect(directory.consumer(idOrUsername: "7f8e2a62-0000-4000-8000-000000000001")?.username == "bob")
        // Ids derived from the username are stable across loads (every replica agrees).
        let again = try PluginTest.consumers("- username: alice")
        #expect(again.consumer(username: "alice")?.id == directory.consumer(username: "alice")?.id)
        #expect(throws: (any Error).self) { try PluginTest.consumers("- custom_id: x\n  jwt_secrets: [{key: k, algorithm: RS256}]") }
        #expect(throws: (any Error).self) { try PluginTest.consumers("- jwt_secrets: []") }
        #expect(throws: (any Error).self) { try PluginTest.consumers("- username: a\n  jwt_secrets: [{key: k, algorithm: none, secret: x}]") }
    }
}
