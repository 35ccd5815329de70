import FlotillaResilience
import Yams

/// Kong's rate-limiting plugin `config`, with Kong's defaults. Policies `local` and `redis` (legacy `redis_*`
/// fields and Kong 3.x's nested `redis:` record both read); `cluster` needs Kong's database and is refused.
struct RateLimitingPluginConfiguration: Sendable, Hashable {
    enum LimitBy: String, Sendable, Hashable, CaseIterable {
        case consumer, credential, ip, service, header, path
    }

    enum Policy: String, Sendable, Hashable {
        case local, redis
    }

    var limits: [RateLimitWindow: Int] = [:]
    var limitBy = LimitBy.consumer
    var headerName: String?
    var path: String?
    var policy = Policy.local
    var faultTolerant = true
    var hideClientHeaders = false
    var errorCode = 429
    var errorMessage = "API rate limit exceeded"
    var redis: RedisSettings?

    init(_ node: Yams.Node?) throws {
        let config = try PluginConfigReader(node)
        let legacyRedis = [
            "redis_host", "redis_port", "redis_password", "redis_username", "redis_database", "redis_timeout",
            "redis_ssl", "redis_ssl_verify", "redis_server_name",
        ]
        try config.rejectUnknownFields(
            Set(
                RateLimitWindow.allCases.map(\.rawValue) + legacyRedis + [
                    "limit_by", "header_name", "path", "policy", "fault_tolerant", "hide_client_headers", "error_code",
                    "error_message", "sync_rate", "redis",
                ]
            )
        )
        for window in RateLimitWindow.allCases {
            guard let value = try config.double(window.rawValue) else { continue }
            guard value > 0 else { throw config.error(window.rawValue, "value must be greater than 0") }
            limits[window] = Int(value.rounded(.down)) == 0 ? 1 : Int(value.rounded(.down))
        }
        if limits.isEmpty {
            throw config.error(
                "second",
                "at least one of these fields must be non-empty: 'config.second', 'config.minute', 'config.hour', "
                    + "'config.day', 'config.month', 'config.year'"
            )
        }
        let ordered = limits.sorted { $0.key < $1.key }
        for (index, smaller) in ordered.enumerated() {
            for larger in ordered.dropFirst(index + 1) where larger.value < smaller.value {
                throw config.error(
                    larger.key.rawValue,
                    "the limit for \(larger.key.rawValue)(\(larger.value)) cannot be lower than the limit for \(smaller.key.rawValue)(\(smaller.value))"
                )
            }
        }
        limitBy = LimitBy(rawValue: try config.oneOf("limit_by", LimitBy.allCases.map(\.rawValue), default: "consumer"))!
        headerName = try config.string("header_name")
        path = try config.string("path")
        if limitBy == .header {
            guard let name = headerName, HTTPFieldNames.make(name) != nil else {
                throw config.error("header_name", "required field missing (limit_by is 'header')")
            }
        }
        if limitBy == .path {
            guard let path, path.hasPrefix("/") else {
                throw config.error("path", "required field missing (limit_by is 'path'); should start with: /")
            }
        }
        let policyName = try config.oneOf("policy", ["local", "cluster", "redis"], default: "local")
        if policyName == "cluster" {
            throw config.error("policy", "'cluster' needs Kong's database; use 'local' or 'redis'")
        }
        policy = Policy(rawValue: policyName)!
        faultTolerant = try config.bool("fault_tolerant", default: true)
        hideClientHeaders = try config.bool("hide_client_headers", default: false)
        errorCode = try config.int("error_code", default: 429, in: 100...599)
        errorMessage = try config.string("error_message", default: errorMessage)
        _ = try config.double("sync_rate")
        redis = try Self.redisSettings(config)
        if policy == .redis && redis == nil {
            throw config.error("redis.host", "required when policy is 'redis' (or config.redis_host)")
        }
    }

    /// Kong 3.x's nested `redis:` record, falling back to the legacy `redis_*` fields.
    private static func redisSettings(_ config: PluginConfigReader) throws -> RedisSettings? {
        let nested = try config.record("redis")
        try nested.rejectUnknownFields([
            "host", "port", "username", "password", "database", "timeout", "connect_timeout", "read_timeout",
            "send_timeout", "ssl", "ssl_verify", "server_name", "sentinel_master", "sentinel_role", "sentinel_nodes",
            "sentinel_username", "sentinel_password", "cluster_nodes", "cluster_max_redirections", "keepalive_pool_size",
            "keepalive_backlog", "connection_is_proxied",
        ])
        if try nested.bool("ssl", default: false) { throw nested.error("ssl", "TLS to Redis is not supported") }
        if try config.bool("redis_ssl", default: false) { throw config.error("redis_ssl", "TLS to Redis is not supported") }
        for field in ["sentinel_master", "sentinel_nodes", "cluster_nodes"] where nested.has(field) {
            throw nested.error(field, "Redis Sentinel and Cluster are not supported")
        }
        guard let host = try nested.string("host") ?? config.string("redis_host") else { return nil }
        var settings = RedisSettings(host: host)
        settings.port = try nested.int("port") ?? config.int("redis_port", default: 6379, in: 0...65_535)
        guard (1...65_535).contains(settings.port) else { throw nested.error("port", "value should be between 0 and 65535") }
        settings.username = try nested.string("username") ?? config.string("redis_username")
        settings.password = try nested.string("password") ?? config.string("redis_password")
        settings.database = try nested.int("database") ?? config.int("redis_database", default: 0)
        let timeout = try nested.int("timeout") ?? config.int("redis_timeout", default: 2_000)
        guard timeout > 0 else { throw config.error("redis_timeout", "value must be greater than 0") }
        settings.timeout = .milliseconds(timeout)
        return settings
    }
}
