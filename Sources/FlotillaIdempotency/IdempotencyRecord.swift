/// A key already recorded: the fingerprint of the request that used it and the response it got.
struct IdempotencyRecord: Sendable {
    var fingerprint: String
    var response: RecordedResponse
}
