import Testing

@testable import FlotillaGateway

/// The window in which a cached token's claims pass (what the access phase on bytes checks) against the checks the
/// usual phase makes, for every shape of claims and configuration and times around each boundary.
@Suite("jwt claims validity")
struct JWTClaimsValidityTests {
    static let base = 1_800_000_000.0

    static let claimShapes: [[String: JSONValue]] = {
        let exps: [JSONValue?] = [nil, .number(base + 100), .number(base - 1), .string("soon"), .number(base + 100.5)]
        let nbfs: [JSONValue?] = [nil, .number(base + 10), .number(base - 10), .bool(true)]
        var shapes: [[String: JSONValue]] = []
        for exp in exps {
            for nbf in nbfs {
                var claims: [String: JSONValue] = ["iss": .string("ada-issuer")]
                claims["exp"] = exp
                claims["nbf"] = nbf
                shapes.append(claims)
            }
        }
        return shapes
    }()

    static let configurations: [(claimsToVerify: [String], maximum: Int)] = [
        ([], 0), (["exp"], 0), (["nbf"], 0), (["exp", "nbf"], 0), (["nbf", "exp"], 0), (["exp"], 50), (["exp"], 200), (["exp", "nbf"], 95),
    ]

    @Test("a cached token's validity window says what the claim checks say, at every moment")
    func sameAnswerAsTheChecks() {
        let offsets: [Double] = [
            -100, -11, -10, -9.5, -1, -0.25, 0, 0.25, 1, 4, 5, 5.5, 9, 10, 11, 49.5, 50, 50.5, 99, 99.75, 100, 100.25, 100.5, 101, 1_000,
        ]
        var checked = 0
        for claims in Self.claimShapes {
            for (claimsToVerify, maximum) in Self.configurations {
                let validity = JWTRegisteredClaims.validity(claims, claimsToVerify: claimsToVerify, maximum: maximum)
                for offset in offsets {
                    let now = Self.base + offset
                    let passes =
                        JWTRegisteredClaims.verify(claims, claimsToVerify: claimsToVerify, now: now).isEmpty
                        && JWTRegisteredClaims.checkMaximumExpiration(claims, maximum: maximum, now: now).isEmpty
                    #expect(
                        (validity?.contains(now) ?? false) == passes,
                        "claims \(claims), claims_to_verify \(claimsToVerify), maximum \(maximum), now base\(offset >= 0 ? "+" : "")\(offset)"
                    )
                    checked += 1
                }
            }
        }
        #expect(checked == 20 * 8 * 25)
    }
}
