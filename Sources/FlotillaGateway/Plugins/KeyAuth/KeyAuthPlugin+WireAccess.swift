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
            guard count == 1, !value.isEmpty,
                let (consumer, credential) = consumers.keyAuthCredential(apiKey: String(decoding: value, as: UTF8.self))
            else { return .fallBack }
            let fields = WireFieldLines.lines(ConsumerAuthentication.fields(consumer: consumer, credential: credential.id))
            state.authenticate(consumer: consumer, credential: credential.id, fields: fields)
            return .proceed
        }
        return .fallBack
    }
}
