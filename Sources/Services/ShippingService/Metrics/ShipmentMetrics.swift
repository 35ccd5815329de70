import Metrics

/// `shipments_total{status}`: shipments scheduled and cancelled, and schedulings the carrier refused.
struct ShipmentMetrics: Sendable {
    /// A label value of `shipments_total`.
    enum Outcome: String, CaseIterable {
        case scheduled, cancelled, refused
    }

    private let counters: [Outcome: Counter]

    init() {
        var counters: [Outcome: Counter] = [:]
        for outcome in Outcome.allCases {
            counters[outcome] = Counter(label: "shipments_total", dimensions: [("status", outcome.rawValue)])
        }
        self.counters = counters
    }

    func record(_ outcome: Outcome) {
        counters[outcome]?.increment()
    }
}
