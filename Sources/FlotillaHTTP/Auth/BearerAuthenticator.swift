import FlotillaCore
import HTTPTypes
import Hummingbird
import JWTKit

/// Verifies `Authorization: Bearer <jwt>` against a key collection and puts the claims in the context.
///
/// Every failure (no header, another scheme, a malformed, tampered, expired or `alg: none` token, a
/// wrong issuer) is the same 401 problem with a `WWW-Authenticate: Bearer` header; the detail says
/// what was wrong without echoing the token.
///
/// ```swift
/// let auth = BearerAuthenticator(keys: keys, issuer: "user-service")
/// routes.get("/me") { request, context in
///     let claims = try await auth.authenticate(request)
///     return claims.sub.value
/// }
/// ```
public struct BearerAuthenticator: Sendable {
    private let keys: JWTKeyCollection
    private let issuer: String?

    /// Creates an authenticator that accepts tokens signed by `keys` and, when given, issued by `issuer`.
    public init(keys: JWTKeyCollection, issuer: String?) {
        self.keys = keys
        self.issuer = issuer
    }

    /// The verified claims of the request's bearer token, or a 401 problem.
    public func authenticate(_ request: Request) async throws -> AccessTokenClaims {
        guard let header = request.headers[.authorization] else {
            throw Self.unauthorized("The request has no Authorization header; send Authorization: Bearer <token>.")
        }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw Self.unauthorized("The Authorization header must use the Bearer scheme.")
        }
        let claims: AccessTokenClaims
        do {
            claims = try await keys.verify(String(parts[1]), as: AccessTokenClaims.self)
        } catch let error as JWTError where error.errorType == .claimVerificationFailure {
            throw Self.unauthorized("The token has expired.")
        } catch {
            throw Self.unauthorized("The token is malformed or its signature does not verify.")
        }
        if let issuer, claims.iss.value != issuer {
            throw Self.unauthorized("The token was not issued by \(issuer).")
        }
        return claims
    }

    static func unauthorized(_ detail: String) -> HTTPErrorWithProblem {
        HTTPErrorWithProblem(problem: .unauthorized(detail), headers: [.wwwAuthenticate: "Bearer realm=\"flotilla\""])
    }
}

/// A problem document with extra response headers (such as `WWW-Authenticate` on a 401).
public struct HTTPErrorWithProblem: Error, HTTPResponseError {
    /// The problem document.
    public var problem: ProblemDetails
    /// Headers added to the response.
    public var headers: HTTPFields

    /// Creates the error.
    public init(problem: ProblemDetails, headers: HTTPFields) {
        self.problem = problem
        self.headers = headers
    }

    public var status: HTTPResponse.Status { .init(code: problem.status) }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = problem.response()
        for field in headers { response.headers.append(field) }
        return response
    }
}
