import FlotillaResilience
import FlotillaTesting
import NIOPosix
import Testing

@testable import FlotillaGateway

/// `policy: redis` against a real `redis-server` (skipped, saying so, when it is not installed).
@Suite("rate-limiting with policy redis", .serialized)
struct RedisRateLimitingTests {
    static func client(_ redis: RedisServer, password: String? = nil, database: Int = 0) -> RedisClient {
        RedisClient(
            settings: RedisSettings(host: "127.0.0.1", port: redis.port, password: password, database: database),
            group: MultiThreadedEventLoopGroup.singleton
        )
    }

    static func available() -> Bool {
        if RedisServer.isAvailable { return true }
        print("SKIPPED: redis-server is not installed (apt-get install -y redis-server)")
        return false
    }

    @Test func theRESPClientTalksToRedis() async throws {
        guard Self.available() else { return }
        let redis = try await RedisServer.start()
        defer { redis.stop() }
        let client = Self.client(redis)
        #expect(try await client.send(["PING"]) == .simpleString("PONG"))
        #expect(try await client.send(["SET", "k", "hello world\r\n"]) == .simpleString("OK"))
        #expect(try await client.send(["GET", "k"]) == .bulkString(Array("hello world\r\n".utf8)))
        #expect(try await client.send(["GET", "missing"]) == .bulkString(nil))
        let replies = try await client.send([["INCRBY", "n", "5"], ["INCRBY", "n", "-2"], ["LRANGE", "nothing", "0", "-1"]])
        #expect(replies == [.integer(5), .integer(3), .array([])])
        await #expect(throws: RedisClientError.self) { try await client.send(["NOSUCHCOMMAND"]) }
        // The connection survives an error reply.
        #expect(try await client.send(["GET", "n"]).integer == 3)
        await client.shutdown()
    }

    @Test func passwordAndDatabaseAreUsed() async throws {
        guard Self.available() else { return }
        let redis = try await RedisServer.start(password: "s3cret")
        defer { redis.stop() }
        let good = Self.client(redis, password: "s3cret", database: 3)
        #expect(try await good.send(["SET", "x", "1"]) == .simpleString("OK"))
        let other = Self.client(redis, password: "s3cret", database: 0)
        #expect(try await other.send(["GET", "x"]) == .bulkString(nil))
        let wrong = Self.client(redis, password: "nope")
        await #expect(throws: (any Error).self) { try await wrong.send(["PING"]) }
        let none = Self.client(redis)
        await #expect(throws: (any Error).self) { try await none.send(["GET", "x"]) }
    }

    @Test func replicasShareCountersExactly() async throws {
        guard Self.available() else { return }
        let redis = try await RedisServer.start()
        defer { redis.stop() }
        // Two gateway replicas: separate clients and plugin instances, one Redis.
        let replicas = try (0..<2).map { _ in
            try RateLimitingPluginTests.plugin("minute: 25", store: RedisRateLimitCounterStore(client: Self.client(redis)))
        }
        let passed = await withTaskGroup(of: Bool.self) { group in
            for index in 0..<100 {
                group.addTask { await RateLimitingPluginTests.send(replicas[index % 2]).0 == nil }
            }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(passed == 25)
        // The key expires after the next window: TTL is set.
        let client = Self.client(redis)
        let keys = try await client.send(["KEYS", "ratelimit:*"])
        guard case .array(let names?) = keys, case .bulkString(let name?) = names.first else {
            Issue.record("no ratelimit key in redis: \(keys)")
            return
        }
        let ttl = try await client.send(["TTL", String(decoding: name, as: UTF8.self)])
        #expect((ttl.integer ?? -1) != -1)
    }

    @Test func theFactoryBuildsARedisPolicyThatCountsAcrossReloads() async throws {
        guard Self.available() else { return }
        let redis = try await RedisServer.start()
        defer { redis.stop() }
        let yaml = "hour: 3\npolicy: redis\nredis:\n  host: 127.0.0.1\n  port: \(redis.port)"
        let services = PluginServices()
        var results: [Bool] = []
        for _ in 0..<2 {
            // A reload makes a new plugin; the shared connection and the counters in Redis stay.
            let plugin = try PluginTest.factory(services: services).make(name: "rate-limiting", config: try PluginTest.config(yaml))
            for _ in 0..<3 { results.append(await RateLimitingPluginTests.send(plugin).0 == nil) }
        }
        #expect(results.filter { $0 }.count == 3)
        await services.shared.shutdown()
    }
}
