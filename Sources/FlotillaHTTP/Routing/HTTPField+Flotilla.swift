import HTTPTypes

extension HTTPField.Name {
    /// `X-Request-ID`.
    public static let xRequestID = HTTPField.Name("X-Request-ID")!
    /// `Idempotency-Key`.
    public static let idempotencyKey = HTTPField.Name("Idempotency-Key")!
    /// `Idempotent-Replayed`, set on a response replayed for a repeated `Idempotency-Key` (as Stripe does).
    public static let idempotentReplayed = HTTPField.Name("Idempotent-Replayed")!
    /// `Prefer` (RFC 7240), e.g. `Prefer: wait=5`.
    public static let prefer = HTTPField.Name("Prefer")!
    /// `Preference-Applied` (RFC 7240).
    public static let preferenceApplied = HTTPField.Name("Preference-Applied")!
}
