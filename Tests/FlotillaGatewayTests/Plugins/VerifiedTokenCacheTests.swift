import Testing

@testable import FlotillaGateway

@Suite("jwt verified-token cache")
struct VerifiedTokenCacheTests {
    static func entry(at time: Double) -> VerifiedTokenCache.Entry {
        .init(claims: ["exp": .number(1)], authentication: WireAuthentication(consumer: nil, credential: "k"), verifiedAt: time, validity: nil)
    }

    @Test func entriesAreTrustedForTheirLifetimeOnlyAndTheCacheIsBounded() {
        let start = 1_800_000_000.5
        let cache = VerifiedTokenCache(capacity: 3, lifetime: 60)
        cache.store(Self.entry(at: start), for: "t1")
        #expect(cache.entry(for: "t1", now: start + 59)?.credential == "k")
        #expect(cache.entry(for: "t1", now: start + 60) == nil)
        #expect(cache.entry(for: "t2", now: start) == nil)
        for token in ["t2", "t3", "t4"] { cache.store(Self.entry(at: start), for: token) }
        #expect(cache.count <= 3)
    }

    @Test func aCachedTokenStillHasItsClaimsCheckedOnEveryUse() async throws {
        let issued = PyJWT.now
        let token = try await PyJWT.mint(
            .init(payload: ["iss": "alice-issuer", "exp": .number(Double(issued + 100))], key: JWTPluginTests.secret, alg: "HS256")
        )
        let consumers = try await JWTPluginTests.consumers()
        let configuration = try JWTPluginConfiguration(try PluginTest.config("claims_to_verify: [exp]"))
        let clock = Clock(now: Double(issued))
        let plugin = JWTPlugin(configuration: configuration, consumers: consumers) { clock.now }
        var first = JWTPluginTests.bearer(token)
        let accepted = await plugin.access(&first)
        #expect(accepted == nil)
        #expect(plugin.cache.count == 1)
        clock.now += 200
        var later = JWTPluginTests.bearer(token)
        let expired = await plugin.access(&later)
        #expect(PluginTest.body(expired) == #"{"exp":"token expired"}"#)
        #expect(later.consumer == nil)
    }

    final class Clock: @unchecked Sendable {
        // Only the test's own task reads and writes it, one step after another.
        var now: Double

        init(now: Double) { self.now = now }
    }
}
