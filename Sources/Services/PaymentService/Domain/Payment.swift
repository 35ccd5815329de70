import Foundation

/// An amount of money in minor units (cents) with its ISO 4217 currency.
public struct Money: Codable, Sendable, Equatable {
    /// Minor units (`1999` is 19.99 in EUR).
    public var amount: Int64
    /// ISO 4217 code, three uppercase letters (`EUR`).
    public var currency: String

    /// Creates an amount.
    public init(amount: Int64, currency: String) {
        self.amount = amount
        self.currency = currency
    }
}

/// Where a payment stands.
public enum PaymentStatus: String, Codable, Sendable {
    /// The card was charged.
    case captured
    /// The card was refused; nothing was charged.
    case declined
    /// The charge was captured and then given back.
    case refunded
}

/// A payment as the API shows it: never more of the card than its last four digits.
public struct Payment: Codable, Sendable, Equatable {
    /// The payment's id (a UUID, lowercase).
    public var id: String
    /// The order the payment is for.
    public var orderId: String
    /// What was charged (or attempted).
    public var amount: Money
    /// `captured`, `declined` or `refunded`.
    public var status: PaymentStatus
    /// The last four digits of the card.
    public var last4: String
    /// Why the card was declined (`card_declined`, `insufficient_funds`); only for declined payments.
    public var reason: String?
    /// When the payment was attempted (RFC 3339).
    public var createdAt: String
    /// When it was refunded (RFC 3339); only for refunded payments.
    public var refundedAt: String?
}

/// A list answer (`{"items": [...]}`), the shape every list of the order system has.
struct PaymentList: Codable, Sendable {
    var items: [Payment]
}
