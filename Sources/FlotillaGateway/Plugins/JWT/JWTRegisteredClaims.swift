/// Kong's checks of `exp` and `nbf` (`claims_to_verify`) and of `maximum_expiration`; errors keyed by claim, as the
/// 401 body Kong sends (`{"exp":"token expired"}`).
///
/// One deliberate difference from Kong: a numeric `exp` in the past is refused even when `claims_to_verify` does not
/// list `exp` (Kong then lets an expired token through). Listing `exp` still makes the claim mandatory.
enum JWTRegisteredClaims {
    static func verify(_ claims: [String: JSONValue], claimsToVerify: [String], now: Double) -> [String: String] {
        var errors: [String: String] = [:]
        if !claimsToVerify.contains("exp"), let exp = claims["exp"]?.number, exp <= now { errors["exp"] = "token expired" }
        for name in claimsToVerify {
            guard let value = claims[name]?.number else {
                errors[name] = "must be a number"
                continue
            }
            switch name {
            case "exp" where value <= now: errors[name] = "token expired"
            case "nbf" where value > now: errors[name] = "token not valid yet"
            default: break
            }
        }
        return errors
    }

    static func checkMaximumExpiration(_ claims: [String: JSONValue], maximum: Int, now: Double) -> [String: String] {
        guard maximum > 0 else { return [:] }
        guard let exp = claims["exp"]?.number, exp - now <= Double(maximum) else {
            return ["exp": "exceeds maximum allowed expiration"]
        }
        return [:]
    }

    /// When `claims` pass ``verify(_:claimsToVerify:now:)`` and ``checkMaximumExpiration(_:maximum:now:)``, worked out
    /// once so that a cached token is checked with two comparisons; nil when they never pass (a claim to verify that
    /// is not a number, a `maximum_expiration` without `exp`).
    static func validity(_ claims: [String: JSONValue], claimsToVerify: [String], maximum: Int) -> JWTClaimsValidity? {
        let exp = claims["exp"]?.number
        var notBefore = -Double.infinity
        for name in claimsToVerify {
            guard let value = claims[name]?.number else { return nil }
            if name == "nbf" { notBefore = max(notBefore, value) }
        }
        if maximum > 0, exp == nil { return nil }
        return JWTClaimsValidity(
            notBefore: notBefore,
            expiresAt: exp ?? .infinity,
            maximumExpiration: maximum > 0 ? Double(maximum) : nil
        )
    }
}

/// The times at which a token's claims pass the jwt plugin's checks (``JWTRegisteredClaims/validity(_:claimsToVerify:maximum:)``).
struct JWTClaimsValidity: Sendable, Equatable {
    /// `nbf`, when it is verified.
    let notBefore: Double
    /// `exp`, when it is a number.
    let expiresAt: Double
    /// `maximum_expiration`, when set: `exp` may be at most this far ahead.
    let maximumExpiration: Double?

    /// Whether the claims pass at `now` (seconds since the epoch), in the comparisons the checks make.
    func contains(_ now: Double) -> Bool {
        guard !(notBefore > now), !(expiresAt <= now) else { return false }
        if let maximumExpiration { return expiresAt - now <= maximumExpiration }
        return true
    }
}
