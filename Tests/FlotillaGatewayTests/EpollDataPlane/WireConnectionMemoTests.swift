import Testing

@testable import FlotillaGateway

/// What a connection remembers for the plugins on bytes saves a lookup and nothing else: a remembered token is held to
/// its cache's lifetime and its claims, a reload's plugins do not read an older plugin's memo, and another credential
/// on the same connection gets its own consumer.
@Suite("Plugins on bytes: what a connection remembers")
struct WireConnectionMemoTests {
    static func request(_ field: String) -> String { "GET /a HTTP/1.1\r\nHost: shop\r\n\(field)\r\n\r\n" }

    /// The credential a plugin on bytes set for `field` on the connection of `memo`, or nil when it fell back.
    static func wireCredential(_ plugin: some WireAccessPlugin, _ field: String, memo: WireConnectionMemo) throws -> String? {
        try WireAccessTests.withRequest(Self.request(field), memo: memo) { request in
            let state = WireAccessState(ran: [])
            guard case .proceed = plugin.wireAccess(request, state) else { return nil }
            return state.credentialIdentifier
        } ?? nil
    }

    static func jwt(_ clock: VerifiedTokenCacheTests.Clock) async throws -> JWTPlugin {
        JWTPlugin(
            configuration: try JWTPluginConfiguration(try PluginTest.config("claims_to_verify: [exp]")),
            consumers: try await JWTPluginTests.consumers()
        ) {
            clock.now
        }
    }

    /// A token of alice's that expires 100 s after `issued`, and a clock stopped at `issued`.
    static func aliceToken() async throws -> (token: String, issued: Double, clock: VerifiedTokenCacheTests.Clock) {
        let issued = Double(PyJWT.now)
        let token = try await PyJWT.mint(
            .init(payload: ["iss": "alice-issuer", "exp": .number(issued + 100)], key: JWTPluginTests.secret, alg: "HS256")
        )
        return (token, issued, VerifiedTokenCacheTests.Clock(now: issued))
    }

    /// Verifies `token` the usual way, so that the plugin caches it.
    static func verify(_ plugin: JWTPlugin, _ token: String) async {
        var exchange = JWTPluginTests.bearer(token)
        let refused = await plugin.access(&exchange)
        #expect(refused == nil)
    }

    @Test("a token the connection remembers is still held to the cache's lifetime and to its claims")
    func rememberedTokensAreCheckedAgain() async throws {
        let (token, issued, clock) = try await Self.aliceToken()
        let plugin = try await Self.jwt(clock)
        let memo = WireConnectionMemo()
        let field = "Authorization: Bearer \(token)"
        #expect(try Self.wireCredential(plugin, field, memo: memo) == nil, "not verified yet: the usual way")
        await Self.verify(plugin, token)
        #expect(try Self.wireCredential(plugin, field, memo: memo) == "alice-issuer")
        #expect(try Self.wireCredential(plugin, field, memo: memo) == "alice-issuer")
        clock.now = issued + 61
        #expect(try Self.wireCredential(plugin, field, memo: memo) == nil, "past the cache's lifetime of 60 s")
        await Self.verify(plugin, token)
        #expect(try Self.wireCredential(plugin, field, memo: memo) == "alice-issuer", "verified again: the new entry")
        clock.now = issued + 100
        #expect(try Self.wireCredential(plugin, field, memo: memo) == nil, "expired")
    }

    @Test("a reload's plugin does not read what an older plugin's requests left on the connection")
    func aNewPluginStartsAfresh() async throws {
        let (token, _, clock) = try await Self.aliceToken()
        let before = try await Self.jwt(clock)
        let after = try await Self.jwt(clock)
        let memo = WireConnectionMemo()
        let field = "Authorization: Bearer \(token)"
        await Self.verify(before, token)
        #expect(try Self.wireCredential(before, field, memo: memo) == "alice-issuer")
        #expect(try Self.wireCredential(after, field, memo: memo) == nil)
    }

    @Test("a connection does not keep a replaced plugin's token cache alive")
    func replacedPluginsAreNotKeptAlive() async throws {
        let (token, _, clock) = try await Self.aliceToken()
        let memo = WireConnectionMemo()
        weak var replacedCache: VerifiedTokenCache?
        do {
            let replaced = try await Self.jwt(clock)
            await Self.verify(replaced, token)
            #expect(try Self.wireCredential(replaced, "Authorization: Bearer \(token)", memo: memo) == "alice-issuer")
            replacedCache = replaced.cache
        }
        #expect(replacedCache == nil)
        let current = try await Self.jwt(clock)
        await Self.verify(current, token)
        #expect(try Self.wireCredential(current, "Authorization: Bearer \(token)", memo: memo) == "alice-issuer")
    }

    @Test("tokens and keys that change on one connection each get their own consumer")
    func credentialsThatChange() async throws {
        let issued = Double(PyJWT.now)
        let tokens = try await PyJWT.mint([
            .init(payload: ["iss": "alice-issuer", "exp": .number(issued + 100)], key: JWTPluginTests.secret, alg: "HS256", headers: nil),
            .init(payload: ["iss": "short-issuer", "exp": .number(issued + 100)], key: "s3cr3t", alg: "HS256", headers: nil),
            .init(payload: ["iss": "alice-issuer", "exp": .number(issued + 50)], key: JWTPluginTests.secret, alg: "HS256", headers: nil),
        ])
        let clock = VerifiedTokenCacheTests.Clock(now: issued)
        let plugin = try await Self.jwt(clock)
        let memo = WireConnectionMemo()
        await Self.verify(plugin, tokens[0])
        await Self.verify(plugin, tokens[1])
        var seen: [String?] = []
        // More tokens than the memo holds, and one never verified.
        for index in [0, 1, 0, 2, 1, 1, 0, 2] {
            seen.append(try Self.wireCredential(plugin, "Authorization: Bearer \(tokens[index])", memo: memo))
        }
        #expect(seen == ["alice-issuer", "short-issuer", "alice-issuer", nil, "short-issuer", "short-issuer", "alice-issuer", nil])

        let keys = ConsumerDirectory([
            GatewayConsumer(username: "ada", keyAuthCredentials: [KeyAuthCredential(id: "cred-ada", key: "ada-key")]),
            GatewayConsumer(username: "bob", keyAuthCredentials: [KeyAuthCredential(id: "cred-bob", key: "bob-key")]),
            GatewayConsumer(username: "cy", keyAuthCredentials: [KeyAuthCredential(id: "cred-cy", key: "cy-key")]),
        ])
        let keyAuth = KeyAuthPlugin(configuration: KeyAuthPluginConfiguration(), consumers: keys)
        var credentials: [String?] = []
        for key in ["ada-key", "bob-key", "ada-key", "cy-key", "nobody-key", "bob-key", "ada-key", "ada-key"] {
            credentials.append(try Self.wireCredential(keyAuth, "apikey: \(key)", memo: memo))
        }
        #expect(credentials == ["cred-ada", "cred-bob", "cred-ada", "cred-cy", nil, "cred-bob", "cred-ada", "cred-ada"])
    }

    @Test("a counter key is made once per route, service, identifier and limiter")
    func counterKeys() {
        let memo = WireConnectionMemo()
        let first = NSObjectLike()
        let second = NSObjectLike()
        var made = 0
        func key(_ source: AnyObject, _ route: String?, _ service: String?, _ identifier: String) -> String {
            memo.counterKey(from: source, route: route, service: service, identifier: identifier) {
                made += 1
                return RateLimitingPlugin.counterKey(route: route, service: service, identifier: identifier)
            }
        }
        #expect(key(first, "api", "backend", "ada") == "api:backend:ada")
        #expect(key(first, "api", "backend", "ada") == "api:backend:ada")
        #expect(made == 1)
        #expect(key(first, "admin", "backend", "ada") == "admin:backend:ada")
        #expect(key(first, "api", nil, "ada") == "api::ada")
        #expect(key(first, "api", "backend", "bob") == "api:backend:bob")
        #expect(key(second, "api", "backend", "ada") == "api:backend:ada")
        #expect(made == 5)
    }

    final class NSObjectLike {}
}
