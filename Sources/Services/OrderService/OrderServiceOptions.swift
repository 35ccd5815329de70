import Configuration
import FlotillaCore
import Foundation

/// Settings of order-service beyond the kit's: saga limits, where tokens are verified, waiting.
public struct OrderServiceOptions: Sendable, Equatable {
    /// How long a saga may run before it compensates (`ORDER_SAGA_DEADLINE`, default 30s).
    public var sagaDeadline: Duration
    /// The longest `Prefer: wait=` honoured (`ORDER_MAX_WAIT`, default 30s).
    public var maximumWait: Duration
    /// Where user-service's public keys are (`JWKS_URL`); by default user-service's `/.well-known/jwks.json`
    /// found through discovery.
    public var jwksURL: String?
    /// The issuer tokens must carry (`JWT_ISSUER`, default `user-service`).
    public var tokenIssuer: String
    /// Base64 of 32 bytes sealing card details in the saga log (`CARD_ENCRYPTION_KEY`); without it a key is
    /// generated on first start and kept in the store.
    public var cardKeyBase64: String?

    /// Creates options.
    public init(
        sagaDeadline: Duration = .seconds(30),
        maximumWait: Duration = .seconds(30),
        jwksURL: String? = nil,
        tokenIssuer: String = "user-service",
        cardKeyBase64: String? = nil
    ) {
        self.sagaDeadline = sagaDeadline
        self.maximumWait = maximumWait
        self.jwksURL = jwksURL
        self.tokenIssuer = tokenIssuer
        self.cardKeyBase64 = cardKeyBase64
    }

    /// Reads the options from the environment; a bad value is a ``ConfigurationError``.
    public static func load(environment: [String: String]? = nil) throws(ConfigurationError) -> OrderServiceOptions {
        let provider = environment.map { EnvironmentVariablesProvider(environmentVariables: $0) } ?? EnvironmentVariablesProvider()
        let reader = ConfigReader(provider: provider)
        var options = OrderServiceOptions()
        if let text = reader.string(forKey: "order.saga.deadline") {
            guard let duration = ConfigurationParsers.duration(text), duration >= .seconds(1) else {
                throw .init(variable: "ORDER_SAGA_DEADLINE", value: text, expected: "a duration of at least 1s such as 30s or 2m")
            }
            options.sagaDeadline = duration
        }
        if let text = reader.string(forKey: "order.max.wait") {
            guard let duration = ConfigurationParsers.duration(text), duration >= .zero else {
                throw .init(variable: "ORDER_MAX_WAIT", value: text, expected: "a duration such as 10s")
            }
            options.maximumWait = duration
        }
        if let url = reader.string(forKey: "jwks.url"), !url.isEmpty {
            guard url.hasPrefix("http://") || url.hasPrefix("https://") else {
                throw .init(variable: "JWKS_URL", value: url, expected: "an http(s) URL such as http://127.0.0.1:9001/.well-known/jwks.json")
            }
            options.jwksURL = url
        }
        if let issuer = reader.string(forKey: "jwt.issuer"), !issuer.isEmpty { options.tokenIssuer = issuer }
        if let key = reader.string(forKey: "card.encryption.key", isSecret: true), !key.isEmpty {
            guard let data = Data(base64Encoded: key), data.count == 32 else {
                throw .init(variable: "CARD_ENCRYPTION_KEY", value: "(hidden)", expected: "base64 of 32 random bytes (openssl rand -base64 32)")
            }
            options.cardKeyBase64 = key
        }
        return options
    }
}
