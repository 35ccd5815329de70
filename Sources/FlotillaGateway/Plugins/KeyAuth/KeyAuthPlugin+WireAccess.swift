/// key-auth on a plain request's bytes: one header named in `key_names` holding a key some consumer has. Everything
/// else (no key, a key in the query, a duplicate or unknown key) goes to the usual phases, which answer the 401 or
/// fall back to the anonymous consumer.
extension KeyAuthPlugin: WireAccessPlugin {
    /// `hide_credentials` removes the key from what goes upstream: such a configuration goes the usual way, as does
    /// one that reads keys from the query alone.
    var acceptsWireAccess: Bool {
        !configuration.hideCredentials && configuration.keyInHeader && keyNames.count == configuration.keyNames.count
    }

    func wireAccess(_ request: WireRequest, _ state: WireAccessState) -> WireAccess {
        // An earlier authentication stands when an anonymous consumer is configured (as the usual phase reads it).
        if configuration.anonymous != nil, state.credentialIdentifier != nil { return .proceed }
        let hasQuery = request.head.uri.utf8.contains(UInt8(ascii: "?"))
        for (_, field) in keyNames {
            let (count, value) = request.values(named: field.canonicalName)
            guard let value else {
                // The usual phase looks in the query for this name before the next one.
                if configuration.keyInQuery, hasQuery { return .fallBack }
                continue
            }
            guard count == 1, !value.isEmpty, let authentication = authentication(apiKey: value, request.memo) else { return .fallBack }
            state.authenticate(authentication)
            return .proceed
        }
        return .fallBack
    }

    /// What `apiKey` authenticates, from the connection's memo when its last requests presented the same key.
    private func authentication(apiKey: UnsafeRawBufferPointer, _ memo: WireConnectionMemo) -> WireAuthentication? {
        if let remembered = memo.value(from: wireCredentials, for: apiKey, as: WireAuthentication.self) { return remembered }
        guard let authentication = wireCredentials.authentication(apiKey: String(decoding: apiKey, as: UTF8.self)) else { return nil }
        memo.remember(authentication, from: wireCredentials, for: apiKey)
        return authentication
    }
}
