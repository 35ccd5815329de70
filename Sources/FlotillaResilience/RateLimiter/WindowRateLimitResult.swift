/// The usage of one window after an acquire.
public struct RateLimitWindowUsage: Sendable, Hashable {
    /// Which window.
    public var window: RateLimitWindow
    /// Its limit.
    public var limit: Int
    /// Requests left in it.
    public var remaining: Int
    /// Seconds until it resets (rounded up).
    public var resetSeconds: Int
}

/// The result of ``WindowRateLimiter/acquire(key:cost:now:)``: the overall decision
/// (the most restrictive window) plus per-window usage for Kong-style headers.
public struct WindowRateLimitResult: Sendable, Hashable {
    /// Allowed or denied, with limit/remaining/reset of the most restrictive window.
    public var decision: RateLimitDecision
    /// Every configured window, smallest first.
    public var windows: [RateLimitWindowUsage]

    /// Whether the request may proceed.
    public var isAllowed: Bool { decision.isAllowed }

    /// The headers Kong's rate-limiting plugin sends: `RateLimit-Limit`, `RateLimit-Remaining`,
    /// `RateLimit-Reset`, `X-RateLimit-Limit-<Window>`, `X-RateLimit-Remaining-<Window>`,
    /// and `Retry-After` when denied.
    public var headers: [(name: String, value: String)] {
        var headers: [(name: String, value: String)] = [
            ("RateLimit-Limit", String(decision.limit)),
            ("RateLimit-Remaining", String(decision.remaining)),
            ("RateLimit-Reset", String(decision.resetSeconds)),
        ]
        for usage in windows {
            headers.append(("X-RateLimit-Limit-\(usage.window.headerSuffix)", String(usage.limit)))
            headers.append(("X-RateLimit-Remaining-\(usage.window.headerSuffix)", String(usage.remaining)))
        }
        if let retry = decision.retryAfterSeconds {
            headers.append(("Retry-After", String(retry)))
        }
        return headers
    }

    public static func == (lhs: WindowRateLimitResult, rhs: WindowRateLimitResult) -> Bool {
        lhs.decision == rhs.decision && lhs.windows == rhs.windows
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(decision)
        hasher.combine(windows)
    }
}
