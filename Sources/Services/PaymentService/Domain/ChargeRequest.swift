import FlotillaCore
import Foundation

/// The body of `POST /payments`. A missing or mistyped field is a 400 naming it (by the decoder).
struct ChargeRequest: Decodable, Sendable {
    struct Card: Decodable, Sendable {
        var number: String
        var expMonth: Int
        var expYear: Int
        var cvc: String
    }

    var orderId: String
    var amount: Int64
    var currency: String
    var card: Card
}

/// A charge that passed validation; the card number is checked and held only in memory.
struct Charge: Sendable {
    var orderId: String
    var amount: Money
    var card: CardNumber

    /// Validates a request against the calendar month of `now` (UTC); the problem names the first bad field
    /// and never repeats the card number.
    init(_ request: ChargeRequest, now: Date = Date()) throws(ProblemDetails) {
        orderId = try OrderID.validate(request.orderId, field: "orderId")
        guard request.amount > 0 else { throw .invalidField("amount", "amount must be a positive integer in minor units.") }
        guard request.currency.utf8.count == 3, request.currency.utf8.allSatisfy({ (65...90).contains($0) }) else {
            throw .invalidField("currency", "currency must be an ISO 4217 code of three uppercase letters such as EUR.")
        }
        amount = Money(amount: request.amount, currency: request.currency)
        guard let card = CardNumber(request.card.number) else {
            throw .invalidField("card.number", "card.number is not a valid card number: 12 to 19 digits passing the Luhn check.")
        }
        self.card = card
        try Self.checkExpiry(month: request.card.expMonth, year: request.card.expYear, now: now)
        let cvc = request.card.cvc
        guard (3...4).contains(cvc.utf8.count), cvc.utf8.allSatisfy({ (48...57).contains($0) }) else {
            throw .invalidField("card.cvc", "card.cvc must be 3 or 4 digits.")
        }
    }

    /// A card is valid through the last day of its expiry month.
    static func checkExpiry(month: Int, year: Int, now: Date) throws(ProblemDetails) {
        guard (1...12).contains(month) else { throw .invalidField("card.expMonth", "card.expMonth must be from 1 to 12.") }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let today = calendar.dateComponents([.year, .month], from: now)
        let (thisYear, thisMonth) = (today.year ?? 1970, today.month ?? 1)
        guard year >= thisYear else { throw .invalidField("card.expYear", "The card has expired: card.expYear is in the past.") }
        guard year <= thisYear + 20 else {
            throw .invalidField("card.expYear", "card.expYear must be a four-digit year at most 20 years ahead.")
        }
        guard year > thisYear || month >= thisMonth else {
            throw .invalidField("card.expMonth", "The card has expired: card.expMonth of this year is in the past.")
        }
    }
}

/// Order ids as the payment and shipping APIs accept them.
enum OrderID {
    /// 1 to 128 characters with no whitespace or control characters.
    static func validate(_ value: String, field: String) throws(ProblemDetails) -> String {
        guard !value.isEmpty, value.count <= 128,
            value.unicodeScalars.allSatisfy({ !CharacterSet.whitespacesAndNewlines.union(.controlCharacters).contains($0) })
        else { throw .invalidField(field, "\(field) must be 1 to 128 characters without spaces.") }
        return value
    }
}

/// The body of `POST /payments/refunds`.
struct RefundByOrderRequest: Decodable, Sendable {
    var orderId: String
}
