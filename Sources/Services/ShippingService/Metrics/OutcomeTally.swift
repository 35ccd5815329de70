import Synchronization

/// Outcomes noted by idempotent work, counted only once the work has committed: a replay runs no
/// work and a rolled-back transaction throws before the tally is read, so neither is counted.
final class OutcomeTally: Sendable {
    private let outcomes = Mutex<[ShipmentMetrics.Outcome]>([])

    func note(_ outcome: ShipmentMetrics.Outcome) {
        outcomes.withLock { $0.append(outcome) }
    }

    func record(into metrics: ShipmentMetrics) {
        for outcome in outcomes.withLock({ $0 }) { metrics.record(outcome) }
    }
}
