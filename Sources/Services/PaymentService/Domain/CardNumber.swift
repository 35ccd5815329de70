/// A card number that passed the format and Luhn checks. It lives only in memory for the length
/// of a request: the service stores and logs ``last4`` alone, and its description hides the rest.
struct CardNumber: Sendable, Equatable, CustomStringConvertible {
    /// The digits, without spaces or dashes.
    let digits: String

    /// Accepts 12 to 19 digits (spaces and dashes between groups are ignored) that pass the Luhn check.
    init?(_ text: String) {
        let digits = String(text.filter { $0 != " " && $0 != "-" })
        guard (12...19).contains(digits.utf8.count), digits.utf8.allSatisfy({ (48...57).contains($0) }),
            Self.passesLuhn(digits)
        else { return nil }
        self.digits = digits
    }

    /// The last four digits, the only part of the number that is ever kept.
    var last4: String { String(digits.suffix(4)) }

    /// Masked, so that interpolating a card number into a log line cannot leak it.
    var description: String { "•••• \(last4)" }

    /// The Luhn (mod 10) checksum over ASCII digits.
    static func passesLuhn(_ digits: String) -> Bool {
        var sum = 0
        for (index, byte) in digits.utf8.reversed().enumerated() {
            var digit = Int(byte) - 48
            if index % 2 == 1 {
                digit *= 2
                if digit > 9 { digit -= 9 }
            }
            sum += digit
        }
        return sum % 10 == 0
    }
}
