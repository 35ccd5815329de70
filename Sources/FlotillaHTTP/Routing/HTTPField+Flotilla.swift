import HTTPTypes

extension HTTPField.Name {
    /// `X-Request-ID`.
    public static let xRequestID = HTTPField.Name("X-Request-ID")!
    /// `Idempotency-Key`.
    public static let idempotencyKey = HTTPField.Name("Idempotency-Key")!
}
