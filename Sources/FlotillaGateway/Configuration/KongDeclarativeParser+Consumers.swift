/// Consumers and their credentials: nested under a consumer (`consumers[].jwt_secrets`, `consumers[].keyauth_credentials`)
/// or at the top level with a `consumer:` reference, as Kong's declarative format and `deck` write them.
///
/// Kong resolves a top-level reference given as a string by username, then by id, and also accepts `{id: ...}`;
/// `{username: ...}` is not a Kong reference and is refused with a hint. Usernames, jwt keys and key-auth keys
/// are unique, as Kong's schema makes them.
extension KongDeclarativeParser {
    private static let jwtSecretFields: Set<String> = ["consumer", "id", "key", "secret", "algorithm", "rsa_public_key", "tags", "created_at"]
    private static let keyAuthFields: Set<String> = ["consumer", "id", "key", "tags", "ttl", "created_at"]

    mutating func parseConsumer(_ field: YAMLField) throws {
        guard let name = field.child("username") ?? field.child("custom_id") ?? field.child("id") else {
            throw field.error("username or custom_id is required")
        }
        let consumerName = try name.string()
        let consumer = try field.decode(GatewayConsumer.self)
        if let username = consumer.username, configuration.consumers.contains(where: { $0.username == username }) {
            throw (field.child("username") ?? field).error("duplicate consumer \"\(username)\"")
        }
        configuration.consumerNames.append(consumerName)
        configuration.consumers.append(
            GatewayConsumer(id: consumer.id, username: consumer.username, customID: consumer.customID, tags: consumer.tags)
        )
        let index = configuration.consumers.count - 1
        let secrets = try field.child("jwt_secrets")?.items() ?? []
        for (secret, item) in zip(consumer.jwtSecrets, secrets) { try add(secret, declaredAt: item, to: index) }
        let keys = try field.child("keyauth_credentials")?.items() ?? []
        for (credential, item) in zip(consumer.keyAuthCredentials, keys) { try add(credential, declaredAt: item, to: index) }
        if let plugins = field.child("plugins") {
            for plugin in try plugins.items() { try parsePlugin(plugin, scope: .consumer(consumerName)) }
        }
    }

    /// Top-level `jwt_secrets:` and `keyauth_credentials:`; call after the document's consumers.
    mutating func parseTopLevelCredentials(_ document: YAMLField) throws {
        for item in try document.child("jwt_secrets")?.items() ?? [] {
            try item.allowOnly(Self.jwtSecretFields)
            let index = try consumerIndex(referencedBy: item)
            try add(try item.decode(JWTCredential.self), declaredAt: item, to: index)
        }
        for item in try document.child("keyauth_credentials")?.items() ?? [] {
            try item.allowOnly(Self.keyAuthFields)
            let index = try consumerIndex(referencedBy: item)
            try add(try item.decode(KeyAuthCredential.self), declaredAt: item, to: index)
        }
    }

    /// The consumer a top-level credential's `consumer:` names.
    private func consumerIndex(referencedBy item: YAMLField) throws -> Int {
        guard let reference = item.child("consumer") else {
            throw GatewayConfigurationError(file: item.file, line: item.line, field: "\(item.path).consumer", message: "is required")
        }
        let value: String
        if reference.node.mapping != nil {
            guard let id = reference.child("id") else {
                throw reference.error("expected a consumer's username or id (consumer: ada) or {id: ...}, as Kong accepts")
            }
            try reference.allowOnly(["id"])
            value = try id.string()
        } else {
            value = try reference.string()
        }
        let consumers = configuration.consumers
        guard let index = consumers.firstIndex(where: { $0.username == value }) ?? consumers.firstIndex(where: { $0.id == value }) else {
            throw reference.error("no consumer with username or id \"\(value)\"")
        }
        return index
    }

    private mutating func add(_ secret: JWTCredential, declaredAt item: YAMLField, to index: Int) throws {
        if let owner = configuration.consumers.first(where: { $0.jwtSecrets.contains { $0.key == secret.key } }) {
            throw (item.child("key") ?? item).error("duplicate jwt key \"\(secret.key)\" (already used by consumer \(Self.name(of: owner)))")
        }
        configuration.consumers[index].jwtSecrets.append(secret)
    }

    private mutating func add(_ credential: KeyAuthCredential, declaredAt item: YAMLField, to index: Int) throws {
        if let owner = configuration.consumers.first(where: { $0.keyAuthCredentials.contains { $0.key == credential.key } }) {
            throw (item.child("key") ?? item).error("duplicate key-auth key (already used by consumer \(Self.name(of: owner)))")
        }
        configuration.consumers[index].keyAuthCredentials.append(credential)
    }

    private static func name(of consumer: GatewayConsumer) -> String {
        consumer.username ?? consumer.customID ?? consumer.id
    }
}
