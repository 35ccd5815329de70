/// jwt on a plain request's bytes: a `Bearer` token this plugin already verified, whose claims still hold, in the
/// first configured header that is there. Everything else (no token, a token in the query, a new or failing token)
/// goes to the usual phases, which verify and cache a good token for the next request.
extension JWTPlugin: WireAccessPlugin {
    /// Cookies are looked at before the headers: a configuration naming some goes the usual way.
    var acceptsWireAccess: Bool { configuration.cookieNames.isEmpty }

    func wireAccess(_ request: WireRequest, _ state: WireAccessState) -> WireAccess {
        // An earlier authentication stands when an anonymous consumer is configured (as `skips` reads it).
        if configuration.anonymous != nil, state.credentialIdentifier != nil { return .proceed }
        // A query may carry the token (`uri_param_names`): its parameters are looked at first.
        if !configuration.uriParamNames.isEmpty, request.head.uri.utf8.contains(UInt8(ascii: "?")) { return .fallBack }
        for name in configuration.headerFields {
            let (count, value) = request.values(named: name.canonicalName)
            guard let value else { continue }
            let now = self.now()
            guard count == 1, let token = JWTTokenLocator.usualBearerToken(value), let entry = verifiedEntry(token, request.memo, now: now),
                entry.validity?.contains(now) == true
            else { return .fallBack }
            state.authenticate(entry.authentication)
            return .proceed
        }
        return .fallBack
    }

    /// The cache's entry for `token`, from the connection's memo when its last requests presented the same token.
    private func verifiedEntry(_ token: UnsafeRawBufferPointer, _ memo: WireConnectionMemo, now: Double) -> VerifiedTokenCache.Entry? {
        // An entry past its lifetime may have been verified again since: the cache is asked then.
        if let remembered = memo.value(from: cache, for: token, as: VerifiedTokenCache.Entry.self), cache.trusts(remembered, now: now) {
            return remembered
        }
        guard let entry = cache.entry(for: String(decoding: token, as: UTF8.self), now: now) else { return nil }
        memo.remember(entry, from: cache, for: token)
        return entry
    }
}
