import Metrics

/// `payments_total{status}`: payments captured, declined and refunded, and charges that failed in processing.
struct PaymentMetrics: Sendable {
    /// A label value of `payments_total`.
    enum Outcome: String, CaseIterable {
        case captured, declined, refunded
        /// The processor failed (a transient error; nothing was recorded).
        case failed
    }

    private let counters: [Outcome: Counter]

    init() {
        var counters: [Outcome: Counter] = [:]
        for outcome in Outcome.allCases {
            counters[outcome] = Counter(label: "payments_total", dimensions: [("status", outcome.rawValue)])
        }
        self.counters = counters
    }

    func record(_ outcome: Outcome, count: Int = 1) {
        guard count > 0 else { return }
        counters[outcome]?.increment(by: count)
    }
}
