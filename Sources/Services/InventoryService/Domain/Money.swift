/// An amount of money in minor units (cents): `{"amount": 1299, "currency": "EUR"}` is €12.99.
public struct Money: Codable, Sendable, Equatable {
    /// The amount in the currency's minor unit.
    public var amount: Int
    /// The ISO 4217 currency code (`EUR`).
    public var currency: String

    /// Creates an amount.
    public init(amount: Int, currency: String) {
        self.amount = amount
        self.currency = currency
    }

    /// Whether `code` looks like an ISO 4217 code: three uppercase ASCII letters.
    static func isCurrencyCode(_ code: String) -> Bool {
        code.utf8.count == 3 && code.utf8.allSatisfy { $0 >= 65 && $0 <= 90 }
    }
}
