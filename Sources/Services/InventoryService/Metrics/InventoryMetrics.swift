import Metrics
import Synchronization

/// `inventory_reservations_total{outcome}`: what reservation requests and expiries did.
///
/// Outcomes: `reserved`, `existing` (a retry of a reservation that exists), `out_of_stock`, `unknown_sku`,
/// `closed` (a reserve or commit for a released or expired id), `mismatch` (an id reused with other items),
/// `released`, `committed`, `expired`.
public final class InventoryMetrics: Sendable {
    /// The label of the counter.
    public static let label = "inventory_reservations_total"

    private let factory: any MetricsFactory
    private let counters = Mutex<[String: Counter]>([:])

    /// Creates the metrics over `factory` (the process's bootstrapped one by default).
    public init(factory: any MetricsFactory = MetricsSystem.factory) {
        self.factory = factory
    }

    /// Counts one occurrence of `outcome`.
    func record(_ outcome: String) {
        counter(outcome).increment()
    }

    private func counter(_ outcome: String) -> Counter {
        counters.withLock { counters in
            if let counter = counters[outcome] { return counter }
            let counter = Counter(label: Self.label, dimensions: [("outcome", outcome)], factory: factory)
            counters[outcome] = counter
            return counter
        }
    }
}

extension ReserveOutcome {
    var metricOutcome: String {
        switch self {
        case .reserved: "reserved"
        case .existing: "existing"
        case .unknownSkus: "unknown_sku"
        case .outOfStock: "out_of_stock"
        case .closed: "closed"
        case .mismatch: "mismatch"
        }
    }
}
