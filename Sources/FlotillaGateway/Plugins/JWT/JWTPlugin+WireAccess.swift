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
            guard count == 1, let token = JWTTokenLocator.usualBearerToken(value),
                let cached = cache.entry(for: String(decoding: token, as: UTF8.self)),
                claimsFailure(cached.claims) == nil
            else { return .fallBack }
            state.authenticate(consumer: cached.consumer, credential: cached.credential, fields: cached.upstreamFields)
            return .proceed
        }
        return .fallBack
    }
}
