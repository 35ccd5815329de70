import Synchronization

/// Outcomes noted by idempotent work, counted only once the work has committed: a replay runs no
/// work and a rolled-back transaction throws before the tally is read, so neither is counted.
final class OutcomeTally: Sendable {
    private let outcomes = Mutex<[PaymentMetrics.Outcome]>([])

    func note(_ outcome: PaymentMetrics.Outcome, count: Int = 1) {
        outcomes.withLock { $0.append(contentsOf: repeatElement(outcome, count: count)) }
    }

    func record(into metrics: PaymentMetrics) {
        for outcome in outcomes.withLock({ $0 }) { metrics.record(outcome) }
    }
}
