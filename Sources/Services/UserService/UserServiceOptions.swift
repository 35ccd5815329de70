import Configuration
import FlotillaCore
import Foundation

/// Settings of user-service beyond the kit's: how passwords are hashed and tokens issued.
public struct UserServiceOptions: Sendable, Equatable {
    /// The bcrypt cost (`BCRYPT_COST`, 4…31, default 10).
    public var bcryptCost: UInt8
    /// How long an access token is valid (`ACCESS_TOKEN_TTL`, default 1h).
    public var tokenLifetime: Duration
    /// A PEM RSA private key to sign with (`JWT_PRIVATE_KEY`); without it one is generated on first start and kept in the store.
    public var signingKeyPEM: String?

    /// Creates options.
    public init(bcryptCost: UInt8 = 10, tokenLifetime: Duration = .seconds(3600), signingKeyPEM: String? = nil) {
        self.bcryptCost = bcryptCost
        self.tokenLifetime = tokenLifetime
        self.signingKeyPEM = signingKeyPEM
    }

    /// Reads the options from the environment; a bad value is a ``ConfigurationError``.
    public static func load(environment: [String: String]? = nil) throws(ConfigurationError) -> UserServiceOptions {
        let provider = environment.map { EnvironmentVariablesProvider(environmentVariables: $0) } ?? EnvironmentVariablesProvider()
        let reader = ConfigReader(provider: provider)
        var options = UserServiceOptions()
        if let cost = reader.string(forKey: "bcrypt.cost") {
            guard let value = UInt8(cost), (4...31).contains(value) else {
                throw .init(variable: "BCRYPT_COST", value: cost, expected: "an integer from 4 to 31")
            }
            options.bcryptCost = value
        }
        if let ttl = reader.string(forKey: "access.token.ttl") {
            guard let duration = ConfigurationParsers.duration(ttl), duration >= .seconds(1) else {
                throw .init(variable: "ACCESS_TOKEN_TTL", value: ttl, expected: "a duration of at least 1s such as 15m or 3600")
            }
            options.tokenLifetime = duration
        }
        if let pem = reader.string(forKey: "jwt.private.key", isSecret: true), !pem.isEmpty {
            guard pem.contains("PRIVATE KEY-----") else {
                throw .init(variable: "JWT_PRIVATE_KEY", value: "(hidden)", expected: "a PEM RSA private key (-----BEGIN PRIVATE KEY-----…)")
            }
            options.signingKeyPEM = pem
        }
        return options
    }
}
