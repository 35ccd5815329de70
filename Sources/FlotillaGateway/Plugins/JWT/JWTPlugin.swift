import Foundation
import HTTPTypes

/// Kong's `jwt` plugin: finds a token in the query, cookies or headers, finds the consumer's `jwt_secrets` entry by
/// the `iss` claim (`key_claim_name`), checks the algorithm, the signature and `claims_to_verify`, and sets the
/// consumer. Every failure is a 401 with Kong's body. Extension: `jwks_uri` for tokens signed by an issuer's JWKS.
struct JWTPlugin: GatewayPlugin {
    let name = "jwt"
    let priority = 1450
    let configuration: JWTPluginConfiguration
    let consumers: ConsumerDirectory
    let verifier: JWTSignatureVerifier
    let jwks: JWKSKeySource?
    let cache = VerifiedTokenCache()
    /// Seconds since the epoch (tests move it).
    let now: @Sendable () -> Double

    init(
        configuration: JWTPluginConfiguration,
        consumers: ConsumerDirectory,
        verifier: JWTSignatureVerifier = JWTSignatureVerifier(),
        jwks: JWKSKeySource? = nil,
        now: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }
    ) {
        self.configuration = configuration
        self.consumers = consumers
        self.verifier = verifier
        self.jwks = jwks
        self.now = now
    }

    func access(_ exchange: inout GatewayExchange) async -> GatewayPluginResponse? {
        if !configuration.runOnPreflight && exchange.request.method == .options { return nil }
        if configuration.anonymous != nil && exchange.credentialIdentifier != nil { return nil }
        switch await authenticate(&exchange) {
        case .success: return nil
        case .unexpected: return .unexpectedError
        case .failure(let response):
            return ConsumerAuthentication.fallBack(
                &exchange,
                anonymous: configuration.anonymous,
                consumers: consumers,
                failure: response
            )
        }
    }

    private enum Outcome {
        case success
        case failure(GatewayPluginResponse)
        case unexpected
    }

    private func unauthorized(_ message: String) -> Outcome { .failure(.kongError(.unauthorized, message: message)) }

    private func authenticate(_ exchange: inout GatewayExchange) async -> Outcome {
        let found = JWTTokenLocator.find(in: exchange.request, configuration: configuration)
        let raw: String
        switch found {
        case .none: return unauthorized("Unauthorized")
        case .multiple: return unauthorized("Multiple tokens provided")
        case .unrecognizable: return unauthorized("Unrecognizable token")
        case .token(let token): raw = token
        }
        if let cached = cache.entry(for: raw) {
            if let failure = checkClaims(cached.claims) { return failure }
            ConsumerAuthentication.authenticate(&exchange, consumer: cached.consumer, credential: cached.credential)
            return .success
        }
        let token: JWTToken
        do { token = try JWTToken(raw) } catch { return unauthorized("Bad token; \(error.rawValue)") }

        let claimName = configuration.keyClaimName
        guard let keyValue = token.claims[claimName] ?? token.header[claimName], keyValue != .null else {
            return unauthorized("No mandatory '\(claimName)' in claims")
        }
        let key = keyValue.string ?? Self.text(of: keyValue)
        if key.isEmpty { return unauthorized("Invalid '\(claimName)' in claims") }

        guard let (consumer, credential) = consumers.jwtCredential(key: key) else {
            if let jwks { return await authenticateWithJWKS(&exchange, raw: raw, token: token, jwks: jwks) }
            return unauthorized("No credentials found for given '\(claimName)'")
        }
        guard token.algorithm == credential.algorithm else { return unauthorized("Invalid algorithm") }
        do {
            guard try await verifier.verify(token, with: credential, secretIsBase64: configuration.secretIsBase64) else {
                return unauthorized("Invalid signature")
            }
        } catch {
            return unauthorized("Invalid key/secret")
        }
        remember(raw, token, consumer: consumer, credential: credential.key)
        if let failure = checkClaims(token.claims) { return failure }
        ConsumerAuthentication.authenticate(&exchange, consumer: consumer, credential: credential.key)
        return .success
    }

    private func authenticateWithJWKS(
        _ exchange: inout GatewayExchange,
        raw: String,
        token: JWTToken,
        jwks: JWKSKeySource
    ) async -> Outcome {
        guard !token.algorithm.hasPrefix("HS") else { return unauthorized("Invalid algorithm") }
        guard let key = await jwks.key(kid: token.header["kid"]?.string, alg: token.algorithm) else {
            return unauthorized("No credentials found for given '\(configuration.keyClaimName)'")
        }
        guard (try? key.verify(token.signature, signs: Array(token.signingInput.utf8))) == true else {
            return unauthorized("Invalid signature")
        }
        let subject = token.claims["sub"]?.string ?? token.header["kid"]?.string ?? "jwks"
        remember(raw, token, consumer: nil, credential: subject)
        if let failure = checkClaims(token.claims) { return failure }
        ConsumerAuthentication.authenticate(&exchange, consumer: nil, credential: subject)
        return .success
    }

    /// Remembers a token whose signature verified (its claims are checked on every use).
    private func remember(_ raw: String, _ token: JWTToken, consumer: GatewayConsumer?, credential: String) {
        cache.store(.init(claims: token.claims, consumer: consumer, credential: credential, verifiedAt: .now), for: raw)
    }

    private func checkClaims(_ claims: [String: JSONValue]) -> Outcome? {
        let now = self.now()
        let errors = JWTRegisteredClaims.verify(claims, claimsToVerify: configuration.claimsToVerify, now: now)
        if !errors.isEmpty { return .failure(.kongFieldErrors(.unauthorized, errors)) }
        let maximum = JWTRegisteredClaims.checkMaximumExpiration(claims, maximum: configuration.maximumExpiration, now: now)
        if !maximum.isEmpty { return .failure(.kongFieldErrors(.unauthorized, maximum)) }
        return nil
    }

    private static func text(of value: JSONValue) -> String {
        switch value {
        case .number(let number): number.rounded() == number && abs(number) < 1e15 ? String(Int64(number)) : String(number)
        case .bool(let flag): String(flag)
        default: ""
        }
    }
}
