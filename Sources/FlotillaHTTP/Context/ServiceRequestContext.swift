import Hummingbird
import Logging

/// The request context every Flotilla service route receives.
///
/// Beyond Hummingbird's core context it carries the request id (`X-Request-ID`), the body limit
/// in force and, once ``BearerAuthenticator`` ran, the verified token's claims.
public struct ServiceRequestContext: RequestContext {
    /// Hummingbird's core context (logger, route template, parameters).
    public var coreContext: CoreRequestContextStorage
    /// The request id: the caller's when sane, generated otherwise; echoed on the response.
    public var requestID: String = ""
    /// The largest body the request may carry, in bytes.
    public var bodyLimit: Int = 1 << 20
    /// The verified access token, when the route is authenticated.
    public var accessToken: AccessTokenClaims?

    /// Creates the context for a new request.
    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
    }

    /// Hummingbird's own body decoding honours the same limit.
    public var maxUploadSize: Int { bodyLimit }
}
