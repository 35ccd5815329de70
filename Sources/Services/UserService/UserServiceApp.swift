import FlotillaCore
import FlotillaHTTP
import FlotillaStore
import Foundation
import HummingbirdBcrypt
import NIOPosix

/// user-service: registration, login with RS256 JWTs, the JWKS, and the user's own profile.
///
/// ```swift
/// let configuration = try ServiceConfiguration.load(defaults: UserServiceApp.defaults)
/// try await UserServiceApp(configuration: configuration, options: .load()).run()
/// ```
public final class UserServiceApp {
    /// The defaults of a user-service started with no settings.
    public static let defaults = ServiceConfiguration(serviceName: "user-service", port: 9001)

    /// The service kit (routes, readiness, logger).
    public let kit: ServiceKit
    /// The service's own database.
    public let store: Store

    private let tokens = StartupValue<TokenIssuer>()

    /// The token issuer once start-up loaded the key (tests mint tokens with it).
    func tokenIssuerForTests() async throws -> TokenIssuer { try tokens.get() }

    /// Builds the service: its store, start-up work (migrations, signing key) and routes.
    public init(configuration: ServiceConfiguration, options: UserServiceOptions = .init()) throws {
        kit = try ServiceKit(configuration: configuration)
        store = try Store(location: configuration.resolvedDatabase, logger: kit.logger)
        let store = self.store
        let tokens = self.tokens
        let decoyHash = StartupValue<String>()
        let issuer = configuration.serviceName
        let lifetime = TimeInterval(options.tokenLifetime.components.seconds)

        kit.readiness.addCheck(.init(name: "database") { try await store.ping() })
        kit.addStartupTask("migrations") { try await store.migrate(UserMigrations.all) }
        kit.addStartupTask("signing key") {
            let key = try await SigningKeyStore(store: store).load(givenPEM: options.signingKeyPEM)
            tokens.set(await TokenIssuer(signingKey: key, issuer: issuer, lifetime: lifetime))
            let cost = options.bcryptCost
            decoyHash.set(try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(UUID().uuidString, cost: cost) })
        }

        OpenAPIDocumentRoute.register(on: kit.routes, document: Self.openAPIDocument)
        UserRoutes(users: UserRepository(store: store), tokens: tokens, bcryptCost: options.bcryptCost, decoyHash: decoyHash)
            .register(on: kit.routes)
    }

    /// Runs until SIGTERM or SIGINT, then shuts down gracefully and closes the store.
    public func run(onListening: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let store = self.store
        try await kit.run(onListening: onListening) { await store.shutdown() }
    }

    /// The OpenAPI document kept beside the code (`Resources/openapi.yaml`).
    public static var openAPIDocument: String {
        OpenAPIDocumentRoute.bundled(in: .module, service: "user-service")
    }
}
