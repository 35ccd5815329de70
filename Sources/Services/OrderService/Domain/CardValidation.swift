import FlotillaCore
import Foundation

/// Checks a card before any money moves: digits, Luhn checksum, expiry and CVC.
enum CardValidation {
    /// The validated card, or a 400 problem naming `card.<field>`.
    static func validate(_ card: OrderRequest.Card, now: Date) throws -> CardDetails {
        let number = card.number.filter { $0 != " " && $0 != "-" }
        guard (12...19).contains(number.count), number.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw ProblemDetails.invalidField("card.number", "card.number must be 12 to 19 digits.")
        }
        guard luhnIsValid(number) else {
            throw ProblemDetails.invalidField("card.number", "card.number fails the Luhn check.")
        }
        guard (1...12).contains(card.expMonth) else {
            throw ProblemDetails.invalidField("card.expMonth", "card.expMonth must be from 1 to 12.")
        }
        let calendar = Calendar(identifier: .gregorian)
        let today = calendar.dateComponents(in: TimeZone(identifier: "UTC")!, from: now)
        let year = card.expYear < 100 ? 2000 + card.expYear : card.expYear
        guard let thisYear = today.year, let thisMonth = today.month,
            year > thisYear || (year == thisYear && card.expMonth >= thisMonth)
        else {
            throw ProblemDetails.invalidField("card.expYear", "The card has expired.")
        }
        guard year <= (today.year ?? 0) + 20 else {
            throw ProblemDetails.invalidField("card.expYear", "card.expYear is too far in the future.")
        }
        guard (3...4).contains(card.cvc.count), card.cvc.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw ProblemDetails.invalidField("card.cvc", "card.cvc must be 3 or 4 digits.")
        }
        return CardDetails(number: number, expMonth: card.expMonth, expYear: year, cvc: card.cvc)
    }

    /// Whether `digits` passes the Luhn checksum.
    static func luhnIsValid(_ digits: String) -> Bool {
        var sum = 0
        for (index, character) in digits.reversed().enumerated() {
            guard let digit = character.wholeNumberValue else { return false }
            if index % 2 == 1 {
                let doubled = digit * 2
                sum += doubled > 9 ? doubled - 9 : doubled
            } else {
                sum += digit
            }
        }
        return sum % 10 == 0
    }
}
