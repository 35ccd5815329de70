/// The simulated card network: what happens when a valid card is charged.
///
/// Well-known test numbers (the same as Stripe's) pick the outcome; any other valid card succeeds.
///
/// | number | outcome |
/// | --- | --- |
/// | 4242424242424242 | captured |
/// | 4000000000000002 | declined, reason `card_declined` (402, recorded) |
/// | 4000000000009995 | declined, reason `insufficient_funds` (402, recorded) |
/// | 4000000000000119 | transient `processing_error` (500, nothing recorded, a retry fails the same way) |
enum CardProcessor {
    /// The result of charging a card.
    enum Outcome: Equatable {
        case captured
        case declined(reason: String)
        /// A fault of the processor: nothing is recorded, the caller may retry.
        case processingError
    }

    /// The card that always declines.
    static let declinedCard = "4000000000000002"
    /// The card that always lacks funds.
    static let insufficientFundsCard = "4000000000009995"
    /// The test-only failure switch: charging it fails with a 500 and records nothing.
    static let processingErrorCard = "4000000000000119"

    /// The outcome of charging `card`.
    static func charge(_ card: CardNumber) -> Outcome {
        switch card.digits {
        case declinedCard: return .declined(reason: "card_declined")
        case insufficientFundsCard: return .declined(reason: "insufficient_funds")
        case processingErrorCard: return .processingError
        default: return .captured
        }
    }
}
