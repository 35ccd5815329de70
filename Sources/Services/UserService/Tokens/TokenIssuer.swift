import FlotillaHTTP
import Foundation
import JWTKit

/// Issues and verifies user-service access tokens (JWT, RS256, `kid` in the header).
struct TokenIssuer: Sendable {
    let keys: JWTKeyCollection
    let signingKey: SigningKey
    let issuer: String
    let lifetime: TimeInterval

    init(signingKey: SigningKey, issuer: String, lifetime: TimeInterval) async {
        let keys = JWTKeyCollection()
        await keys.add(rsa: signingKey.privateKey, digestAlgorithm: .sha256, kid: JWKIdentifier(string: signingKey.kid))
        self.keys = keys
        self.signingKey = signingKey
        self.issuer = issuer
        self.lifetime = lifetime
    }

    func issue(for userID: String, now: Date = Date()) async throws -> TokenResponse {
        // Whole seconds: NumericDate may be fractional, but many verifiers expect integers.
        let now = Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down))
        let claims = AccessTokenClaims(
            iss: .init(value: issuer),
            sub: .init(value: userID),
            exp: .init(value: now.addingTimeInterval(lifetime)),
            iat: .init(value: now)
        )
        let token = try await keys.sign(claims, kid: JWKIdentifier(string: signingKey.kid))
        return TokenResponse(access_token: token, token_type: "Bearer", expires_in: Int(lifetime))
    }

    var authenticator: BearerAuthenticator { BearerAuthenticator(keys: keys, issuer: issuer) }

    /// The JWKS document (`{"keys":[…]}`) with the public key.
    func jwks() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(["keys": [signingKey.publicJWK()]])
    }
}
