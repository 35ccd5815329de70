import HTTPTypes

/// Kong's `key-auth` plugin: an API key from a header or a query parameter named in `key_names`, looked up in the
/// consumers' `keyauth_credentials`. 401 `No API key found in request` (with `WWW-Authenticate: Key realm="kong"`)
/// or `Invalid authentication credentials`.
struct KeyAuthPlugin: SynchronousGatewayPlugin {
    let name = "key-auth"
    let priority = 1250
    let filtersHeaders = false
    let configuration: KeyAuthPluginConfiguration
    let consumers: ConsumerDirectory
    let keyNames: [(name: String, field: HTTPField.Name)]
    /// The keys met on bytes, with what they authenticate.
    let wireCredentials: KeyAuthWireCredentials

    init(configuration: KeyAuthPluginConfiguration, consumers: ConsumerDirectory) {
        self.configuration = configuration
        self.consumers = consumers
        self.wireCredentials = KeyAuthWireCredentials(consumers: consumers)
        self.keyNames = configuration.keyNames.compactMap { name in HTTPFieldNames.make(name).map { (name, $0) } }
    }

    private var challenge: HTTPFields {
        var fields = HTTPFields()
        fields[.wwwAuthenticate] = "Key realm=\"\(configuration.realm ?? "kong")\""
        return fields
    }

    func accessSynchronously(_ exchange: inout GatewayExchange) -> GatewayPluginResponse? {
        if !configuration.runOnPreflight && exchange.request.method == .options { return nil }
        if configuration.anonymous != nil && exchange.credentialIdentifier != nil { return nil }
        let failure: GatewayPluginResponse
        switch findKey(&exchange) {
        case .duplicate:
            failure = .kongError(.unauthorized, message: "Duplicate API key found")
        case .missing:
            failure = .kongError(.unauthorized, message: "No API key found in request", headers: challenge)
        case .key(let key):
            if let (consumer, credential) = consumers.keyAuthCredential(apiKey: key) {
                ConsumerAuthentication.authenticate(&exchange, consumer: consumer, credential: credential.id)
                return nil
            }
            failure = .kongError(.unauthorized, message: "Invalid authentication credentials", headers: challenge)
        }
        return ConsumerAuthentication.fallBack(&exchange, anonymous: configuration.anonymous, consumers: consumers, failure: failure)
    }

    private enum Found {
        case missing
        case duplicate
        case key(String)
    }

    private func findKey(_ exchange: inout GatewayExchange) -> Found {
        for (name, field) in keyNames {
            var values: [String] = []
            if configuration.keyInHeader { values = exchange.request.headerFields[values: field] }
            if values.isEmpty && configuration.keyInQuery {
                values = RequestTarget(exchange.request.path).values(of: name)
            }
            if values.count > 1 { return .duplicate }
            guard let key = values.first else { continue }
            if configuration.hideCredentials {
                exchange.request.path = RequestTarget(exchange.request.path).removing(name)
                exchange.request.headerFields[field] = nil
            }
            return key.isEmpty ? .missing : .key(key)
        }
        return .missing
    }
}
