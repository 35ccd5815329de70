import Foundation

extension CatalogState {
    /// What one pass of the health checker found to do.
    public struct Sweep: Sendable {
        /// What expiries and deregistrations changed.
        public var changes = Changes()
        /// Interval checks due to run now (already rescheduled one interval later).
        public var due: [HealthCheck] = []
        /// Instances removed by `DeregisterCriticalServiceAfter`.
        public var deregistered: [String] = []
    }

    /// Expires TTL checks, removes instances critical for too long, and hands out the interval checks due at `now`.
    public mutating func sweep(now: Date) -> Sweep {
        var sweep = Sweep()
        if let nextSweepAt, now < nextSweepAt { return sweep }
        var doomed: Set<String> = []
        nextSweepAt = .distantFuture
        for id in Array(checks.keys) {
            guard var check = checks[id] else { continue }
            if check.state.expire(kind: check.kind, now: now) {
                sweep.changes.merge(apply(check, changed: true))
                check = checks[id]!
            }
            if check.state.isDue(now: now) {
                check.state.started(kind: check.kind, now: now)
                checks[id] = check
                sweep.due.append(check)
            }
            if check.state.shouldDeregister(after: check.deregisterCriticalServiceAfter, now: now) {
                doomed.insert(check.serviceID)
            }
            noteDeadline(of: check)
        }
        for serviceID in doomed.sorted() {
            sweep.changes.merge(removeInstance(serviceID))
            sweep.deregistered.append(serviceID)
        }
        let removed = Set(sweep.changes.checks.filter { checks[$0] == nil })
        sweep.due.removeAll { removed.contains($0.id) }
        return sweep
    }
}

extension CatalogState {
    /// Brings the next sweep forward to the next time `check` needs the health checker.
    mutating func noteDeadline(of check: HealthCheck) {
        var deadlines: [Date] = []
        if let next = check.state.nextRunAt { deadlines.append(next) }
        if let expiry = check.state.ttlExpiresAt, check.state.status != .critical { deadlines.append(expiry) }
        if let limit = check.deregisterCriticalServiceAfter, let since = check.state.criticalSince {
            deadlines.append(since + limit.timeInterval)
        }
        guard let earliest = deadlines.min() else { return }
        if let nextSweepAt, nextSweepAt <= earliest { return }
        nextSweepAt = earliest
    }
}

extension CatalogState.Changes {
    /// Adds what `other` touched.
    public mutating func merge(_ other: Self) {
        services.formUnion(other.services)
        checks.formUnion(other.checks)
        keys.formUnion(other.keys)
        names.formUnion(other.names)
    }
}
