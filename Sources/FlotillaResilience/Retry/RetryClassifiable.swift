/// An error that knows whether it is worth retrying — e.g. an HTTP status error carrying
/// its status code and `Retry-After`. ``DefaultRetryClassifier`` asks it first.
public protocol RetryClassifiable: Error {
    /// The error's own retry decision.
    var retryDecision: RetryDecision { get }
}
