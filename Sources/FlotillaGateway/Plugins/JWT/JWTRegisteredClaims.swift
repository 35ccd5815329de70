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
}
