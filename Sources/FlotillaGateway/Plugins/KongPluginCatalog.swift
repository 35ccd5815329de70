import FlotillaResilience
import Yams

extension GatewayPluginFactory {
    /// Kong's bundled plugins this gateway implements, by Kong name.
    public static let kongPlugins: [String: Builder] = [
        "jwt": { config, factory in try KongPluginCatalog.jwt(config, factory) },
        "key-auth": { config, factory in
            KeyAuthPlugin(configuration: try KeyAuthPluginConfiguration(config), consumers: factory.consumers)
        },
        "rate-limiting": { config, factory in try KongPluginCatalog.rateLimiting(config, factory) },
        "cors": { config, _ in CORSPlugin(configuration: try CORSPluginConfiguration(config)) },
        "request-size-limiting": { config, _ in
            RequestSizeLimitingPlugin(configuration: try RequestSizeLimitingPluginConfiguration(config))
        },
        "correlation-id": { config, _ in CorrelationIDPlugin(configuration: try CorrelationIDPluginConfiguration(config)) },
        "prometheus": { config, factory in
            PrometheusPlugin(
                configuration: try PrometheusPluginConfiguration(config),
                metrics: KongPrometheusMetrics(registry: factory.services.metricsRegistry)
            )
        },
    ]
}

/// Builders of the plugins that need more than their configuration.
enum KongPluginCatalog {
    static func jwt(_ config: Yams.Node?, _ factory: GatewayPluginFactory) throws -> any GatewayPlugin {
        let configuration = try JWTPluginConfiguration(config)
        for consumer in factory.consumers.consumers {
            for credential in consumer.jwtSecrets {
                do {
                    try JWTSignatureVerifier.validate(credential)
                } catch {
                    throw GatewayPluginConfigurationError(
                        field: "consumers[\(consumer.username ?? consumer.id)].jwt_secrets[\(credential.key)].rsa_public_key",
                        message: "not a valid \(credential.algorithm) public key in PEM"
                    )
                }
            }
        }
        let shared = factory.services.shared
        let verifier = shared.resource("jwt:verifier") { JWTSignatureVerifier() }
        let jwks = configuration.jwksURI.map { uri in
            shared.resource("jwt:jwks:\(uri):\(configuration.jwksRefetchInterval)") {
                JWKSKeySource(
                    uri: uri,
                    httpClient: factory.services.httpClient,
                    refetchInterval: .seconds(configuration.jwksRefetchInterval)
                )
            }
        }
        return JWTPlugin(configuration: configuration, consumers: factory.consumers, verifier: verifier, jwks: jwks)
    }

    static func rateLimiting(_ config: Yams.Node?, _ factory: GatewayPluginFactory) throws -> any GatewayPlugin {
        let configuration = try RateLimitingPluginConfiguration(config)
        let shared = factory.services.shared
        let store: any RateLimitCounterStore
        switch configuration.policy {
        case .local:
            store = shared.resource("rate-limiting:local") { InMemoryRateLimitCounterStore() }
        case .redis:
            let settings = configuration.redis!
            let client = shared.resource("redis:\(String(describing: settings))") {
                RedisClient(settings: settings, group: factory.services.eventLoopGroup)
            }
            store = RedisRateLimitCounterStore(client: client)
        }
        return RateLimitingPlugin(configuration: configuration, store: store)
    }
}
