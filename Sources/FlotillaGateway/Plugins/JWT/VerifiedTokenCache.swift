import Synchronization

/// Tokens whose signature this plugin instance already verified, so a client reusing its token is not decoded and
/// verified again on every request. Claims (`exp`, `nbf`, `maximum_expiration`) are still checked every time; an
/// entry is trusted for `lifetime` at most (a key removed from a JWKS stops being honoured within it), and the
/// cache is emptied when it reaches `capacity`. A reload builds a new plugin, hence a new cache.
///
/// Times are the plugin's wall clock (seconds since the epoch), the clock its claims are checked against.
final class VerifiedTokenCache: Sendable {
    /// A class: an entry is handed out on every request that reuses its token (a struct would copy, and retain,
    /// each of its fields).
    final class Entry: Sendable {
        let claims: [String: JSONValue]
        /// The consumer and credential the token authenticates, and their upstream fields.
        let authentication: WireAuthentication
        /// When the signature was verified.
        let verifiedAt: Double
        /// When the claims pass the plugin's checks, as worked out when the token was verified (nil: never).
        let validity: JWTClaimsValidity?

        init(claims: [String: JSONValue], authentication: WireAuthentication, verifiedAt: Double, validity: JWTClaimsValidity?) {
            self.claims = claims
            self.authentication = authentication
            self.verifiedAt = verifiedAt
            self.validity = validity
        }

        var consumer: GatewayConsumer? { authentication.consumer }
        var credential: String { authentication.credential }
    }

    let capacity: Int
    /// Seconds an entry is trusted.
    let lifetime: Double
    private let entries = Mutex<[String: Entry]>([:])

    init(capacity: Int = 10_000, lifetime: Double = 60) {
        self.capacity = capacity
        self.lifetime = lifetime
    }

    /// The entry for `token`, if it is still trusted at `now`.
    func entry(for token: String, now: Double) -> Entry? {
        guard let entry = entries.withLock({ $0[token] }) else { return nil }
        return trusts(entry, now: now) ? entry : nil
    }

    /// Whether `entry` is within its lifetime at `now` (for an entry a connection remembered).
    func trusts(_ entry: Entry, now: Double) -> Bool {
        now - entry.verifiedAt < lifetime
    }

    func store(_ entry: Entry, for token: String) {
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[token] = entry
        }
    }

    var count: Int { entries.withLock { $0.count } }
}
