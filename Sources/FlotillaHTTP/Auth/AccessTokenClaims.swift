import JWTKit

/// The claims of a Flotilla access token (issued by user-service, RS256): `iss`, `sub`, `exp`, `iat`.
public struct AccessTokenClaims: JWTPayload, Equatable {
    /// The issuer (`user-service`).
    public var iss: IssuerClaim
    /// The user id the token belongs to.
    public var sub: SubjectClaim
    /// When the token expires.
    public var exp: ExpirationClaim
    /// When the token was issued.
    public var iat: IssuedAtClaim

    /// Creates claims.
    public init(iss: IssuerClaim, sub: SubjectClaim, exp: ExpirationClaim, iat: IssuedAtClaim) {
        self.iss = iss
        self.sub = sub
        self.exp = exp
        self.iat = iat
    }

    /// Checks the expiry (with the verifier's clock) on verification.
    public func verify(using algorithm: some JWTAlgorithm) async throws {
        try exp.verifyNotExpired()
    }
}
