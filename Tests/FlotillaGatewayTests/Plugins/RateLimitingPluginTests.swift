import FlotillaResilience
import FlotillaTesting
import HTTPTypes
import NIOPosix
import Synchronization
import Testing

@testable import FlotillaGateway

@Suite("rate-limiting plugin")
struct RateLimitingPluginTests {
    /// 30 s into a minute, so every request of a test falls in one window.
    static let fixedNow = UnixTime(nanoseconds: 1_800_000_030 * 1_000_000_000)

    static func plugin(_ yaml: String, store: any RateLimitCounterStore = InMemoryRateLimitCounterStore()) throws -> RateLimitingPlugin {
        RateLimitingPlugin(configuration: try RateLimitingPluginConfiguration(try PluginTest.config(yaml)), store: store) { fixedNow }
    }

    static func send(
        _ plugin: any GatewayPlugin,
        _ exchange: GatewayExchange = PluginTest.exchange()
    ) async -> (GatewayPluginResponse?, GatewayExchange) {
        var exchange = exchange
        let response = await plugin.access(&exchange)
        return (response, exchange)
    }

    @Test func exactlyTheLimitPassesPerWindowWithKongsHeaders() async throws {
        let plugin = try Self.plugin("minute: 5\nhour: 100")
        var passed = 0
        for index in 1...12 {
            let (response, exchange) = await Self.send(plugin)
            if let response {
                #expect(response.status == .tooManyRequests)
                #expect(PluginTest.body(response) == #"{"message":"API rate limit exceeded"}"#)
                #expect(PluginTest.header(response.headers, "Retry-After") == "30")
                #expect(PluginTest.header(response.headers, "RateLimit-Remaining") == "0")
                #expect(PluginTest.header(response.headers, "X-RateLimit-Remaining-Minute") == "0")
            } else {
                passed += 1
                let headers = exchange.responseHeaders
                #expect(PluginTest.header(headers, "RateLimit-Limit") == "5")
                #expect(PluginTest.header(headers, "RateLimit-Remaining") == String(5 - index))
                #expect(PluginTest.header(headers, "RateLimit-Reset") == "30")
                #expect(PluginTest.header(headers, "X-RateLimit-Limit-Minute") == "5")
                #expect(PluginTest.header(headers, "X-RateLimit-Remaining-Minute") == String(5 - index))
                #expect(PluginTest.header(headers, "X-RateLimit-Limit-Hour") == "100")
                #expect(PluginTest.header(headers, "X-RateLimit-Remaining-Hour") == String(100 - index))
                #expect(PluginTest.header(headers, "Retry-After") == nil)
            }
        }
        #expect(passed == 5)
    }

    final class ManualClock: Sendable {
        let now = Mutex(RateLimitingPluginTests.fixedNow)
        func advance(seconds: Int64) { now.withLock { $0 = UnixTime(nanoseconds: $0.nanoseconds + seconds * 1_000_000_000) } }
    }

    @Test func eachWindowPassesExactlyItsLimit() async throws {
        let clock = ManualClock()
        let plugin = RateLimitingPlugin(
            configuration: try RateLimitingPluginConfiguration(try PluginTest.config("second: 3")),
            store: InMemoryRateLimitCounterStore()
        ) { clock.now.withLock { $0 } }
        for _ in 0..<4 {
            var passed = 0
            for _ in 0..<10 {
                if await Self.send(plugin).0 == nil { passed += 1 }
            }
            #expect(passed == 3)
            clock.advance(seconds: 1)
        }
    }

    @Test func concurrentRequestsNeverPassMoreThanTheLimit() async throws {
        let plugin = try Self.plugin("minute: 37\nhour: 1000")
        let passed = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<200 { group.addTask { await Self.send(plugin).0 == nil } }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(passed == 37)
    }

    @Test func limitByChoosesTheCounter() async throws {
        let byIP = try Self.plugin("minute: 1\nlimit_by: ip")
        #expect(await Self.send(byIP, PluginTest.exchange(client: "10.0.0.1")).0 == nil)
        #expect(await Self.send(byIP, PluginTest.exchange(client: "10.0.0.2")).0 == nil)
        #expect(await Self.send(byIP, PluginTest.exchange(client: "10.0.0.1")).0?.status == .tooManyRequests)

        let byHeader = try Self.plugin("minute: 1\nlimit_by: header\nheader_name: x-tenant")
        #expect(await Self.send(byHeader, PluginTest.exchange(headers: [("X-Tenant", "a")])).0 == nil)
        #expect(await Self.send(byHeader, PluginTest.exchange(headers: [("X-Tenant", "b")])).0 == nil)
        #expect(await Self.send(byHeader, PluginTest.exchange(headers: [("X-Tenant", "a")])).0 != nil)

        let byConsumer = try Self.plugin("minute: 1")
        var alice = PluginTest.exchange(client: "10.0.0.9")
        alice.consumer = GatewayConsumer(username: "alice")
        var bob = PluginTest.exchange(client: "10.0.0.9")
        bob.consumer = GatewayConsumer(username: "bob")
        #expect(await Self.send(byConsumer, alice).0 == nil)
        #expect(await Self.send(byConsumer, bob).0 == nil)
        #expect(await Self.send(byConsumer, alice).0 != nil)

        let byPath = try Self.plugin("minute: 1\nlimit_by: path\npath: /login")
        #expect(await Self.send(byPath, PluginTest.exchange("/login?x=1", client: "1.1.1.1")).0 == nil)
        #expect(await Self.send(byPath, PluginTest.exchange("/login", client: "2.2.2.2")).0 != nil)
        #expect(await Self.send(byPath, PluginTest.exchange("/other", client: "2.2.2.2")).0 == nil)
    }

    @Test func hiddenHeadersCustomErrorAndRetryAfter() async throws {
        let plugin = try Self.plugin("second: 1\nhide_client_headers: true\nerror_code: 503\nerror_message: slow down")
        let (first, exchange) = await Self.send(plugin)
        #expect(first == nil)
        #expect(exchange.responseHeaders.isEmpty)
        let (second, _) = await Self.send(plugin)
        #expect(second?.status.code == 503)
        #expect(PluginTest.body(second) == #"{"message":"slow down"}"#)
        #expect(second.flatMap { PluginTest.header($0.headers, "Retry-After") } == "1")
        #expect(second.flatMap { PluginTest.header($0.headers, "RateLimit-Limit") } == nil)
    }

    @Test func configurationDefaultsAndErrors() throws {
        let defaults = try RateLimitingPluginConfiguration(try PluginTest.config("minute: 100"))
        #expect(defaults.limitBy == .consumer)
        #expect(defaults.policy == .local)
        #expect(defaults.faultTolerant)
        #expect(!defaults.hideClientHeaders)
        #expect(defaults.errorCode == 429)
        #expect(defaults.errorMessage == "API rate limit exceeded")
        let legacy = try RateLimitingPluginConfiguration(
            try PluginTest.config("minute: 1\npolicy: redis\nredis_host: r1\nredis_port: 6380\nredis_password: pw\nredis_database: 2")
        )
        #expect(legacy.redis == RedisSettings(host: "r1", port: 6380, password: "pw", database: 2))
        let nested = try RateLimitingPluginConfiguration(
            try PluginTest.config("minute: 1\npolicy: redis\nredis:\n  host: r2\n  port: 6381\n  timeout: 500\n  username: u")
        )
        #expect(nested.redis == RedisSettings(host: "r2", port: 6381, username: "u", timeout: .milliseconds(500)))

        let errors: [(String, String)] = [
            ("", "config.second:"),
            ("minute: 0", "config.minute:"),
            ("minute: -5", "config.minute:"),
            ("minute: many", "config.minute:"),
            ("second: 10\nminute: 5", "config.minute:"),
            ("minute: 5\nlimit_by: planet", "config.limit_by:"),
            ("minute: 5\nlimit_by: header", "config.header_name:"),
            ("minute: 5\nlimit_by: path", "config.path:"),
            ("minute: 5\npolicy: cluster", "config.policy:"),
            ("minute: 5\npolicy: redis", "config.redis.host:"),
            ("minute: 5\npolicy: redis\nredis:\n  host: x\n  port: 99999", "config.redis.port:"),
            ("minute: 5\npolicy: redis\nredis:\n  host: x\n  colour: red", "config.redis.colour: unknown field"),
            ("minute: 5\nerror_code: 1000", "config.error_code:"),
            ("minute: 5\nwindow_size: 3", "config.window_size: unknown field"),
        ]
        for (yaml, prefix) in errors {
            let message = PluginTest.configurationError("rate-limiting", yaml)
            #expect(message?.hasPrefix(prefix) == true, "\(yaml) gave \(message ?? "no error")")
        }
    }

    @Test func aStoreFailureIsFaultTolerantUnlessConfiguredOtherwise() async throws {
        let port = try FreePort.next()
        let unreachable = RedisRateLimitCounterStore(
            client: RedisClient(
                settings: RedisSettings(host: "127.0.0.1", port: port, timeout: .milliseconds(500)),
                group: MultiThreadedEventLoopGroup.singleton
            )
        )
        let tolerant = try Self.plugin("minute: 1", store: unreachable)
        let (passed, exchange) = await Self.send(tolerant)
        #expect(passed == nil)
        #expect(exchange.responseHeaders.isEmpty)
        let strict = try Self.plugin("minute: 1\nfault_tolerant: false", store: unreachable)
        let (failed, _) = await Self.send(strict)
        #expect(failed?.status == .internalServerError)
        #expect(PluginTest.body(failed) == #"{"message":"An unexpected error occurred"}"#)
    }
}
