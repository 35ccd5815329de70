import Foundation

/// The state machine of one health check, as a value driven by the time it is given.
///
/// A new check is critical unless registered with a status; a TTL check goes critical when not
/// refreshed in time; an interval check is due every interval; a check critical for longer than
/// `DeregisterCriticalServiceAfter` asks for its service to be removed.
///
/// ```swift
/// var state = CheckState(kind: .ttl(ttl: .seconds(10)), status: nil, now: t0)
/// state.report(.passing, output: "ok", kind: kind, now: t0)   // true: the status changed
/// state.expire(kind: kind, now: t0 + 11)                        // true: critical, "TTL expired"
/// ```
public struct CheckState: Sendable, Equatable, Codable {
    /// The current status.
    public var status: CheckStatus
    /// What the last run, report or expiry said.
    public var output: String
    /// Since when the check has been critical, if it is.
    public var criticalSince: Date?
    /// When a TTL check goes critical unless refreshed.
    public var ttlExpiresAt: Date?
    /// When an interval check is due next.
    public var nextRunAt: Date?

    /// The state of a check registered at `now`: `status` when given, else critical.
    public init(kind: CheckKind, status: CheckStatus?, now: Date) {
        self.status = status ?? .critical
        self.output = ""
        self.criticalSince = self.status == .critical ? now : nil
        if case .ttl(let ttl) = kind { ttlExpiresAt = now + ttl.timeInterval }
        if kind.interval != nil { nextRunAt = now }
    }

    /// Records a new status and output; returns whether the status changed.
    @discardableResult
    public mutating func set(_ status: CheckStatus, output: String, now: Date) -> Bool {
        let changed = status != self.status
        self.status = status
        self.output = output
        if status != .critical {
            criticalSince = nil
        } else if changed || criticalSince == nil {
            criticalSince = now
        }
        return changed
    }

    /// A TTL refresh (`pass`, `warn`, `fail`): the status, and a new deadline one TTL away.
    @discardableResult
    public mutating func report(_ status: CheckStatus, output: String, kind: CheckKind, now: Date) -> Bool {
        if case .ttl(let ttl) = kind { ttlExpiresAt = now + ttl.timeInterval }
        return set(status, output: output, now: now)
    }

    /// Turns a TTL check whose deadline passed critical; returns whether the status changed.
    @discardableResult
    public mutating func expire(kind: CheckKind, now: Date) -> Bool {
        guard case .ttl = kind, let deadline = ttlExpiresAt, now >= deadline, status != .critical else { return false }
        return set(.critical, output: "TTL expired", now: now)
    }

    /// Whether an interval check should run at `now`.
    public func isDue(now: Date) -> Bool {
        guard let nextRunAt else { return false }
        return now >= nextRunAt
    }

    /// Marks an interval check as started at `now`: the next run is one interval later.
    public mutating func started(kind: CheckKind, now: Date) {
        guard let interval = kind.interval else { return }
        nextRunAt = now + interval.timeInterval
    }

    /// Whether the check has been critical for longer than `limit` (`DeregisterCriticalServiceAfter`).
    public func shouldDeregister(after limit: Duration?, now: Date) -> Bool {
        guard let limit, let since = criticalSince, status == .critical else { return false }
        return now.timeIntervalSince(since) >= limit.timeInterval
    }

    /// Carries the status and output of `previous` over a re-registration, keeping this state's timers.
    mutating func inherit(_ previous: CheckState) {
        status = previous.status
        output = previous.output
        criticalSince = previous.criticalSince
    }
}
