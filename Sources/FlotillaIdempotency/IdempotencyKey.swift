import FlotillaCore

/// A validated `Idempotency-Key` header value: 1–255 visible ASCII characters.
struct IdempotencyKey: Sendable {
    /// The longest key accepted.
    static let maximumLength = 255

    let value: String

    /// Validates `raw`, throwing a 400 problem naming the header when it is empty, too long or not printable.
    init(_ raw: String) throws {
        let trimmed = raw.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else {
            throw ProblemDetails.invalidField("Idempotency-Key", "Idempotency-Key must not be empty.")
        }
        guard trimmed.utf8.count <= Self.maximumLength else {
            throw ProblemDetails.invalidField(
                "Idempotency-Key",
                "Idempotency-Key is longer than \(Self.maximumLength) characters."
            )
        }
        guard trimmed.utf8.allSatisfy({ $0 >= 0x21 && $0 <= 0x7E }) else {
            throw ProblemDetails.invalidField(
                "Idempotency-Key",
                "Idempotency-Key may hold only visible ASCII characters."
            )
        }
        value = trimmed
    }
}
