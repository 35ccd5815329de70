/// Where every unit of every product is, for checking stock conservation:
/// `initial = available + reserved + committed` for each sku, always.
public struct StockSummary: Codable, Sendable, Equatable {
    /// The figures of one product.
    public struct Line: Codable, Sendable, Equatable {
        /// The product.
        public var sku: String
        /// Units seeded from the catalogue.
        public var initial: Int
        /// Units free to reserve.
        public var available: Int
        /// Units held by reservations that are neither committed nor released yet.
        public var reserved: Int
        /// Units taken for good by committed reservations.
        public var committed: Int
    }

    /// One line per product, ordered by sku.
    public var items: [Line]
    /// Whether `initial = available + reserved + committed` holds on every line.
    public var conserved: Bool

    init(items: [Line]) {
        self.items = items
        self.conserved = items.allSatisfy { $0.initial == $0.available + $0.reserved + $0.committed }
    }
}
