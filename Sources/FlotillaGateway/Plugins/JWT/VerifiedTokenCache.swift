import Synchronization

/// Tokens whose signature this plugin instance already verified, so a client reusing its token is not decoded and
/// verified again on every request. Claims (`exp`, `nbf`, `maximum_expiration`) are still checked every time; an
/// entry is trusted for `lifetime` at most (a key removed from a JWKS stops being honoured within it), and the
/// cache is emptied when it reaches `capacity`. A reload builds a new plugin, hence a new cache.
final class VerifiedTokenCache: Sendable {
    /// A class: an entry is handed out on every request that reuses its token (a struct would copy, and retain,
    /// each of its fields and the consumer's).
    final class Entry: Sendable {
        let claims: [String: JSONValue]
        let consumer: GatewayConsumer?
        let credential: String
        let verifiedAt: ContinuousClock.Instant
        /// The fields the authentication sends upstream, as header lines (for the access phase on bytes).
        let upstreamFields: [UInt8]

        init(
            claims: [String: JSONValue],
            consumer: GatewayConsumer?,
            credential: String,
            verifiedAt: ContinuousClock.Instant,
            upstreamFields: [UInt8] = []
        ) {
            self.claims = claims
            self.consumer = consumer
            self.credential = credential
            self.verifiedAt = verifiedAt
            self.upstreamFields = upstreamFields
        }
    }

    let capacity: Int
    let lifetime: Duration
    private let entries = Mutex<[String: Entry]>([:])

    init(capacity: Int = 10_000, lifetime: Duration = .seconds(60)) {
        self.capacity = capacity
        self.lifetime = lifetime
    }

    func entry(for token: String, now: ContinuousClock.Instant = .now) -> Entry? {
        guard let entry = entries.withLock({ $0[token] }) else { return nil }
        return now - entry.verifiedAt < lifetime ? entry : nil
    }

    func store(_ entry: Entry, for token: String) {
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[token] = entry
        }
    }

    var count: Int { entries.withLock { $0.count } }
}
