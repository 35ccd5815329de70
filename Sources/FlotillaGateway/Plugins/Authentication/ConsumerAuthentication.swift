import HTTPTypes

/// What Kong's auth plugins do once they know who is calling: set the consumer on the exchange and the
/// `X-Consumer-*`, `X-Credential-Identifier` and `X-Anonymous-Consumer` headers sent upstream.
enum ConsumerAuthentication {
    static let consumerID = HTTPField.Name("X-Consumer-ID")!
    static let consumerCustomID = HTTPField.Name("X-Consumer-Custom-ID")!
    static let consumerUsername = HTTPField.Name("X-Consumer-Username")!
    static let credentialIdentifier = HTTPField.Name("X-Credential-Identifier")!
    static let anonymousConsumer = HTTPField.Name("X-Anonymous-Consumer")!

    /// Authenticates `consumer` with the credential `credential` (nil = anonymous).
    static func authenticate(_ exchange: inout GatewayExchange, consumer: GatewayConsumer?, credential: String?) {
        exchange.consumer = consumer
        exchange.credentialIdentifier = credential
        // Whatever the client sent under these names goes (one pass, usually finding none); then the gateway's own.
        if exchange.request.headerFields.contains(where: { isManaged($0.name) }) {
            exchange.request.headerFields.removeAll { isManaged($0.name) }
        }
        exchange.request.headerFields.append(contentsOf: fields(consumer: consumer, credential: credential))
    }

    /// The fields sent upstream for `consumer` authenticated with `credential` (nil = anonymous), in order.
    static func fields(consumer: GatewayConsumer?, credential: String?) -> [HTTPField] {
        var fields: [HTTPField] = []
        func add(_ name: HTTPField.Name, _ value: String?) {
            if let value { fields.append(HTTPField(name: name, value: value)) }
        }
        add(consumerID, consumer?.id)
        add(consumerCustomID, consumer?.customID)
        add(consumerUsername, consumer?.username)
        add(credentialIdentifier, credential)
        add(anonymousConsumer, credential == nil ? "true" : nil)
        return fields
    }

    /// The fields an authentication sets (or removes), as Kong's auth plugins do.
    private static let managedFields: Set<HTTPField.Name> = [consumerID, consumerCustomID, consumerUsername, credentialIdentifier, anonymousConsumer]
    /// The lengths of their names, one bit each: most fields of a request are told apart by length alone, without
    /// hashing.
    private static let managedNameLengths: UInt64 = managedFields.reduce(0) { $0 | 1 << $1.canonicalName.utf8.count }

    private static func isManaged(_ name: HTTPField.Name) -> Bool {
        let length = name.canonicalName.utf8.count
        return length < 64 && managedNameLengths & 1 << length != 0 && managedFields.contains(name)
    }

    /// Whether a client's field of this name (any case) is one an authentication removes.
    static func isManaged(_ name: UnsafeRawBufferPointer) -> Bool {
        guard name.count < 64, managedNameLengths & 1 << name.count != 0 else { return false }
        return managedFields.contains { $0.canonicalName.utf8.count == name.count && HeaderBytes.equalsIgnoringCase(name, $0.canonicalName) }
    }

    /// The anonymous fallback of a failed authentication, as Kong does it: with `anonymous` set, the request goes on
    /// as that consumer; without it, `failure` is the answer. A configured but missing anonymous consumer is a 500.
    static func fallBack(
        _ exchange: inout GatewayExchange,
        anonymous: String?,
        consumers: ConsumerDirectory,
        failure: GatewayPluginResponse
    ) -> GatewayPluginResponse? {
        guard let anonymous else { return failure }
        guard let consumer = consumers.consumer(idOrUsername: anonymous) else {
            return .kongError(.internalServerError, message: "An unexpected error occurred")
        }
        authenticate(&exchange, consumer: consumer, credential: nil)
        return nil
    }
}
