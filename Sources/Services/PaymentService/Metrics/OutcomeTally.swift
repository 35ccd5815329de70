import FlotillaHTTP
import Hummingbird
import Synchronization

/// Outcomes noted by idempotent work, counted only once the work has committed: a rolled-back transaction
/// throws before the tally is read, and a replayed response (even one that follows work rolled back because a
/// concurrent request with the same key committed first) is not counted.
final class OutcomeTally: Sendable {
    private let outcomes = Mutex<[PaymentMetrics.Outcome]>([])

    func note(_ outcome: PaymentMetrics.Outcome, count: Int = 1) {
        outcomes.withLock { $0.append(contentsOf: repeatElement(outcome, count: count)) }
    }

    func record(into metrics: PaymentMetrics, unless response: Response) {
        guard response.headers[.idempotentReplayed] != "true" else { return }
        for outcome in outcomes.withLock({ $0 }) { metrics.record(outcome) }
    }
}
