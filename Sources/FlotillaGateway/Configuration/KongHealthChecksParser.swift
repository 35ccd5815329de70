import Yams

/// Reads `upstreams[].healthchecks` with Kong's field names, defaults and bounds; a bad value is a one-line error
/// naming the field (`upstreams[0].healthchecks.active.timeout: must be from 0 to 65535`).
enum KongHealthChecksParser {
    private static let topFields: Set<String> = ["active", "passive", "threshold"]
    private static let activeFields: Set<String> = [
        "type", "http_path", "timeout", "concurrency", "headers", "healthy", "unhealthy", "https_sni", "https_verify_certificate",
    ]
    private static let passiveFields: Set<String> = ["type", "healthy", "unhealthy"]

    static func parse(_ field: YAMLField) throws -> KongHealthChecks {
        try field.allowOnly(topFields)
        var checks = KongHealthChecks()
        if let value = field.child("threshold") { checks.threshold = try number(value, min: 0, max: 100) }
        if let active = field.child("active") {
            try active.allowOnly(activeFields)
            if let value = active.child("type") { checks.active.type = try checkType(value) }
            if let value = active.child("http_path") {
                let path = try value.string()
                guard path.hasPrefix("/") else { throw value.error("must start with /") }
                checks.active.httpPath = path
            }
            if let value = active.child("timeout") { checks.active.timeout = try seconds(value) }
            if let value = active.child("concurrency") { checks.active.concurrency = try value.int(min: 1, max: 2_147_483_648) }
            if let value = active.child("https_verify_certificate") { _ = try value.bool() }
            if let value = active.child("https_sni") { _ = try value.string() }
            if let headers = active.child("headers") {
                for (name, values) in try headers.entries() {
                    guard !name.isEmpty, name.allSatisfy({ $0.isASCII && !$0.isWhitespace && $0 != ":" }) else {
                        throw values.error("invalid header name")
                    }
                    let list = try values.strings()
                    guard list.allSatisfy({ !$0.contains("\r") && !$0.contains("\n") }) else { throw values.error("invalid header value") }
                    checks.active.headers[name] = list
                }
            }
            if let healthy = active.child("healthy") {
                try healthy.allowOnly(["interval", "http_statuses", "successes"])
                try read(healthy, into: &checks.active.healthy, withInterval: true)
            }
            if let unhealthy = active.child("unhealthy") {
                try unhealthy.allowOnly(["interval", "http_statuses", "tcp_failures", "timeouts", "http_failures"])
                try read(unhealthy, into: &checks.active.unhealthy, withInterval: true)
            }
        }
        if let passive = field.child("passive") {
            try passive.allowOnly(passiveFields)
            if let value = passive.child("type") { checks.passive.type = try checkType(value) }
            if let healthy = passive.child("healthy") {
                try healthy.allowOnly(["http_statuses", "successes"])
                try read(healthy, into: &checks.passive.healthy, withInterval: false)
            }
            if let unhealthy = passive.child("unhealthy") {
                try unhealthy.allowOnly(["http_statuses", "tcp_failures", "timeouts", "http_failures"])
                try read(unhealthy, into: &checks.passive.unhealthy, withInterval: false)
            }
        }
        return checks
    }

    private static func read(_ field: YAMLField, into healthy: inout KongHealthChecks.Healthy, withInterval: Bool) throws {
        if withInterval, let value = field.child("interval") { healthy.interval = try seconds(value) }
        if let value = field.child("http_statuses") { healthy.httpStatuses = try statuses(value) }
        if let value = field.child("successes") { healthy.successes = try value.int(min: 0, max: 255) }
    }

    private static func read(_ field: YAMLField, into unhealthy: inout KongHealthChecks.Unhealthy, withInterval: Bool) throws {
        if withInterval, let value = field.child("interval") { unhealthy.interval = try seconds(value) }
        if let value = field.child("http_statuses") { unhealthy.httpStatuses = try statuses(value) }
        if let value = field.child("tcp_failures") { unhealthy.tcpFailures = try value.int(min: 0, max: 255) }
        if let value = field.child("timeouts") { unhealthy.timeouts = try value.int(min: 0, max: 255) }
        if let value = field.child("http_failures") { unhealthy.httpFailures = try value.int(min: 0, max: 255) }
    }

    private static func checkType(_ field: YAMLField) throws -> KongHealthChecks.CheckType {
        let text = try field.string()
        if let type = KongHealthChecks.CheckType(rawValue: text) { return type }
        if ["https", "grpc", "grpcs"].contains(text) { throw field.error("\(text) health checks are not supported (use http or tcp)") }
        throw field.error("expected http or tcp")
    }

    private static func statuses(_ field: YAMLField) throws -> Set<Int> {
        Set(try field.items().map { try $0.int(min: 200, max: 999) })
    }

    /// Kong's intervals and timeouts: seconds, fractions allowed, 0 to 65535.
    private static func seconds(_ field: YAMLField) throws -> Duration {
        let value = try number(field, min: 0, max: 65535)
        return .nanoseconds(Int64((value * 1_000_000_000).rounded()))
    }

    private static func number(_ field: YAMLField, min: Double, max: Double) throws -> Double {
        guard case .scalar = field.node, let value = field.node.int.map(Double.init) ?? field.node.float, value.isFinite else {
            throw field.error("expected a number")
        }
        guard value >= min, value <= max else { throw field.error("must be from \(Int(min)) to \(Int(max))") }
        return value
    }
}
