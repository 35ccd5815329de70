import Crypto

/// A Kong consumer with its credentials. Decodable from Kong declarative YAML
/// (`username`, `custom_id`, `id`, `jwt_secrets: [{key, secret, algorithm, rsa_public_key}]`, `keyauth_credentials: [{key}]`).
/// A missing `id` is derived from the username (or custom_id), so every gateway replica gives the same one.
public struct GatewayConsumer: Sendable, Decodable, Hashable {
    public var id: String
    public var username: String?
    public var customID: String?
    public var tags: [String]
    public var jwtSecrets: [JWTCredential]
    public var keyAuthCredentials: [KeyAuthCredential]

    public init(
        id: String? = nil,
        username: String?,
        customID: String? = nil,
        tags: [String] = [],
        jwtSecrets: [JWTCredential] = [],
        keyAuthCredentials: [KeyAuthCredential] = []
    ) {
        self.username = username
        self.customID = customID
        self.id = id ?? DeterministicID.make("consumer", username ?? customID ?? "")
        self.tags = tags
        self.jwtSecrets = jwtSecrets
        self.keyAuthCredentials = keyAuthCredentials
    }

    enum CodingKeys: String, CodingKey {
        case id, username, tags
        case customID = "custom_id"
        case jwtSecrets = "jwt_secrets"
        case keyAuthCredentials = "keyauth_credentials"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let username = try c.decodeIfPresent(String.self, forKey: .username)
        let customID = try c.decodeIfPresent(String.self, forKey: .customID)
        if username == nil && customID == nil {
            throw DecodingError.dataCorrupted(
                .init(codingPath: c.codingPath, debugDescription: "at least one of these fields must be non-empty: 'custom_id', 'username'")
            )
        }
        self.init(
            id: try c.decodeIfPresent(String.self, forKey: .id),
            username: username,
            customID: customID,
            tags: try c.decodeIfPresent([String].self, forKey: .tags) ?? [],
            jwtSecrets: try c.decodeIfPresent([JWTCredential].self, forKey: .jwtSecrets) ?? [],
            keyAuthCredentials: try c.decodeIfPresent([KeyAuthCredential].self, forKey: .keyAuthCredentials) ?? []
        )
    }
}

/// A consumer's jwt credential (Kong `jwt_secrets` entry): the `key` matched against the token's `iss` (or
/// `key_claim_name`), and the HMAC `secret` or the `rsa_public_key` (PEM; also EC keys for ES256).
public struct JWTCredential: Sendable, Decodable, Hashable {
    public var id: String
    public var key: String
    public var secret: String?
    public var algorithm: String
    public var rsaPublicKey: String?

    /// Algorithms Kong accepts for `jwt_secrets.algorithm`.
    public static let supportedAlgorithms = ["HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "ES256", "ES384"]

    public init(id: String? = nil, key: String, secret: String? = nil, algorithm: String = "HS256", rsaPublicKey: String? = nil) {
        self.id = id ?? DeterministicID.make("jwt_secret", key)
        self.key = key
        self.secret = secret
        self.algorithm = algorithm
        self.rsaPublicKey = rsaPublicKey
    }

    enum CodingKeys: String, CodingKey {
        case id, key, secret, algorithm
        case rsaPublicKey = "rsa_public_key"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let algorithm = try c.decodeIfPresent(String.self, forKey: .algorithm) ?? "HS256"
        guard Self.supportedAlgorithms.contains(algorithm) else {
            throw DecodingError.dataCorruptedError(
                forKey: .algorithm,
                in: c,
                debugDescription: "expected one of: \(Self.supportedAlgorithms.joined(separator: ", "))"
            )
        }
        let rsaPublicKey = try c.decodeIfPresent(String.self, forKey: .rsaPublicKey)
        if !algorithm.hasPrefix("HS") && rsaPublicKey == nil {
            throw DecodingError.keyNotFound(
                CodingKeys.rsaPublicKey,
                .init(codingPath: c.codingPath, debugDescription: "required for \(algorithm)")
            )
        }
        let secret = try c.decodeIfPresent(String.self, forKey: .secret)
        if algorithm.hasPrefix("HS") && (secret ?? "").isEmpty {
            throw DecodingError.keyNotFound(
                CodingKeys.secret,
                .init(codingPath: c.codingPath, debugDescription: "required for \(algorithm)")
            )
        }
        self.init(
            id: try c.decodeIfPresent(String.self, forKey: .id),
            key: try c.decode(String.self, forKey: .key),
            secret: secret,
            algorithm: algorithm,
            rsaPublicKey: rsaPublicKey
        )
    }
}

/// A consumer's key-auth credential (Kong `keyauth_credentials` entry).
public struct KeyAuthCredential: Sendable, Decodable, Hashable {
    public var id: String
    public var key: String

    public init(id: String? = nil, key: String) {
        self.id = id ?? DeterministicID.make("keyauth_credential", key)
        self.key = key
    }

    enum CodingKeys: String, CodingKey { case id, key }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let key = try c.decode(String.self, forKey: .key)
        if key.isEmpty {
            throw DecodingError.dataCorruptedError(forKey: .key, in: c, debugDescription: "must not be empty")
        }
        self.init(id: try c.decodeIfPresent(String.self, forKey: .id), key: key)
    }
}

/// UUID-shaped ids derived from an entity kind and its natural key (SHA-256 based, version 8 layout), so that
/// every replica loading the same declarative file gives the same ids.
enum DeterministicID {
    static func make(_ kind: String, _ name: String) -> String {
        var bytes = Array(SHA256.hash(data: Array("\(kind):\(name)".utf8)).prefix(16))
        bytes[6] = (bytes[6] & 0x0F) | 0x80
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let hex = bytes.map { byte -> String in
            let s = String(byte, radix: 16)
            return s.count == 1 ? "0" + s : s
        }.joined()
        let chars = Array(hex)
        return [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(chars[$0]) }.joined(separator: "-")
    }
}
