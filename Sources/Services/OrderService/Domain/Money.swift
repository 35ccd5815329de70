/// An amount of money in minor units (cents), with its ISO 4217 currency.
public struct Money: Codable, Sendable, Equatable {
    /// Minor units, e.g. 1999 for 19.99.
    public var amount: Int
    /// The ISO 4217 code, e.g. `EUR`.
    public var currency: String

    /// Creates an amount.
    public init(amount: Int, currency: String) {
        self.amount = amount
        self.currency = currency
    }
}
