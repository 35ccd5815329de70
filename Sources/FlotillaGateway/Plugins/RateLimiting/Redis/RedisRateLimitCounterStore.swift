import FlotillaResilience

/// Window counters in Redis, shared by every gateway replica using the same server: one atomic script per
/// increment (`INCRBY` then `EXPIREAT` the end of the following window, which the sliding algorithm still reads).
final class RedisRateLimitCounterStore: RateLimitCounterStore {
    let client: RedisClient
    let prefix: String

    static let incrementScript = """
        local v = redis.call('INCRBY', KEYS[1], ARGV[1])
        redis.call('EXPIREAT', KEYS[1], ARGV[2])
        return v
        """

    init(client: RedisClient, prefix: String = "ratelimit") {
        self.client = client
        self.prefix = prefix
    }

    func redisKey(_ key: String, _ window: RateLimitWindowSlot) -> String {
        "\(prefix):\(key):\(window.window.rawValue):\(window.start)"
    }

    func increment(key: String, window: RateLimitWindowSlot, by amount: Int) async throws -> Int {
        let expireAt = window.end + window.length
        let reply = try await client.send(["EVAL", Self.incrementScript, "1", redisKey(key, window), String(amount), String(expireAt)])
        guard let value = reply.integer else { throw RedisClientError.unexpectedReply("\(reply)") }
        return value
    }

    func count(key: String, window: RateLimitWindowSlot) async throws -> Int {
        let reply = try await client.send(["GET", redisKey(key, window)])
        if case .bulkString(nil) = reply { return 0 }
        guard let value = reply.integer else { throw RedisClientError.unexpectedReply("\(reply)") }
        return value
    }
}
