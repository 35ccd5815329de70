import ServiceContextModule

/// The `X-Request-ID` of the request being handled, carried in the task's `ServiceContext`.
public enum RequestIDKey: ServiceContextKey {
    public typealias Value = String
    public static var nameOverride: String? { "request-id" }
}

extension ServiceContext {
    /// The request id (`X-Request-ID`) of the request this task serves, if any.
    public var requestID: String? {
        get { self[RequestIDKey.self] }
        set { self[RequestIDKey.self] = newValue }
    }
}
