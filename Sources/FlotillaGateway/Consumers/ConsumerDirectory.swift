/// Finds consumers by jwt `key` (the `iss` claim by default), by key-auth key, by username or id.
public struct ConsumerDirectory: Sendable {
    /// Every consumer, in configuration order.
    public let consumers: [GatewayConsumer]
    private let byJWTKey: [String: (consumer: GatewayConsumer, credential: JWTCredential)]
    private let byAPIKey: [String: (consumer: GatewayConsumer, credential: KeyAuthCredential)]
    private let byUsername: [String: GatewayConsumer]
    private let byID: [String: GatewayConsumer]

    /// Indexes `consumers`; on duplicate keys the first consumer wins (the loader should reject duplicates).
    public init(_ consumers: [GatewayConsumer]) {
        self.consumers = consumers
        var jwt: [String: (consumer: GatewayConsumer, credential: JWTCredential)] = [:]
        var apiKeys: [String: (consumer: GatewayConsumer, credential: KeyAuthCredential)] = [:]
        var usernames: [String: GatewayConsumer] = [:]
        var ids: [String: GatewayConsumer] = [:]
        for consumer in consumers {
            for secret in consumer.jwtSecrets where jwt[secret.key] == nil { jwt[secret.key] = (consumer, secret) }
            for credential in consumer.keyAuthCredentials where apiKeys[credential.key] == nil {
                apiKeys[credential.key] = (consumer, credential)
            }
            if let username = consumer.username, usernames[username] == nil { usernames[username] = consumer }
            if ids[consumer.id] == nil { ids[consumer.id] = consumer }
        }
        byJWTKey = jwt
        byAPIKey = apiKeys
        byUsername = usernames
        byID = ids
    }

    /// The consumer and credential whose jwt `key` is `key`.
    public func jwtCredential(key: String) -> (consumer: GatewayConsumer, credential: JWTCredential)? { byJWTKey[key] }

    /// The consumer and credential whose key-auth key is `apiKey`.
    public func keyAuthCredential(apiKey: String) -> (consumer: GatewayConsumer, credential: KeyAuthCredential)? {
        byAPIKey[apiKey]
    }

    /// The consumer with this username.
    public func consumer(username: String) -> GatewayConsumer? { byUsername[username] }

    /// The consumer with this id.
    public func consumer(id: String) -> GatewayConsumer? { byID[id] }

    /// The consumer named by an `anonymous` setting: Kong accepts an id or a username.
    public func consumer(idOrUsername value: String) -> GatewayConsumer? { byID[value] ?? byUsername[value] }
}
