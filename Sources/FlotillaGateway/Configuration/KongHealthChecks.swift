/// Kong's `upstreams[].healthchecks`: active probes, passive counting of proxied traffic, and the upstream's health
/// `threshold` (percent of target weight that must be healthy). Field names and defaults are Kong 3.x's.
public struct KongHealthChecks: Sendable, Equatable {
    /// What a check looks at: an HTTP status (`http`) or only whether a TCP connection opens (`tcp`).
    public enum CheckType: String, Sendable {
        case http
        case tcp
    }

    /// When a target counts as healthy again.
    public struct Healthy: Sendable, Equatable {
        /// Seconds between active probes of healthy targets; 0 stops probing them (active only).
        public var interval: Duration = .zero
        public var httpStatuses: Set<Int>
        /// Successes in a row that make an unhealthy target healthy; 0 never does.
        public var successes = 0
    }

    /// When a target counts as unhealthy.
    public struct Unhealthy: Sendable, Equatable {
        /// Seconds between active probes of unhealthy targets; 0 stops probing them (active only).
        public var interval: Duration = .zero
        public var httpStatuses: Set<Int>
        public var tcpFailures = 0
        public var timeouts = 0
        public var httpFailures = 0
    }

    /// `healthchecks.active`: probes sent by the gateway itself.
    public struct Active: Sendable, Equatable {
        public var type: CheckType = .http
        public var httpPath = "/"
        public var timeout: Duration = .seconds(1)
        public var concurrency = 10
        /// Extra probe headers, name → values.
        public var headers: [String: [String]] = [:]
        public var healthy = Healthy(httpStatuses: [200, 302])
        public var unhealthy = Unhealthy(httpStatuses: [429, 404, 500, 501, 502, 503, 504, 505])

        /// Active checks run when either interval is set.
        public var isEnabled: Bool { healthy.interval > .zero || unhealthy.interval > .zero }
    }

    /// `healthchecks.passive` (circuit breaker): outcomes of proxied requests.
    public struct Passive: Sendable, Equatable {
        public var type: CheckType = .http
        public var healthy = Healthy(httpStatuses: [
            200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 300, 301, 302, 303, 304, 305, 306, 307, 308,
        ])
        public var unhealthy = Unhealthy(httpStatuses: [429, 500, 503])

        /// Passive checks run when any threshold is set.
        public var isEnabled: Bool {
            healthy.successes > 0 || unhealthy.tcpFailures > 0 || unhealthy.timeouts > 0 || unhealthy.httpFailures > 0
        }
    }

    public var active = Active()
    public var passive = Passive()
    /// Percent (0-100) of the upstream's target weight that must be healthy, else the whole upstream is unhealthy.
    public var threshold: Double = 0

    /// Kong reports `HEALTHCHECKS_OFF` unless active or passive checks are on.
    public var isEnabled: Bool { active.isEnabled || passive.isEnabled }

    public init() {}
}
