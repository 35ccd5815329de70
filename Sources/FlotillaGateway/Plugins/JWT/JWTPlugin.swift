import Foundation
import HTTPTypes

/// Kong's `jwt` plugin: finds a token in the query, cookies or headers, finds the consumer's `jwt_secrets` entry by
/// the `iss` claim (`key_claim_name`), checks the algorithm, the signature and `claims_to_verify`, and sets the
/// consumer. Every failure is a 401 with Kong's body. Extension: `jwks_uri` for tokens signed by an issuer's JWKS.
struct JWTPlugin: GatewayPlugin {
    let name = "jwt"
    let priority = 1450
    let filtersHeaders = false
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

    func accessWithoutSuspending(_ exchange: inout GatewayExchange) -> ImmediateAccess {
        if skips(exchange) { return .proceed }
        switch prepare(&exchange) {
        case .decided(let outcome): return finish(outcome, &exchange).map(ImmediateAccess.respond) ?? .proceed
        case .asymmetric, .jwks: return .suspend
        }
    }

    func access(_ exchange: inout GatewayExchange) async -> GatewayPluginResponse? {
        if skips(exchange) { return nil }
        let outcome: Outcome
        switch prepare(&exchange) {
        case .decided(let decided): outcome = decided
        case .asymmetric(let raw, let token, let consumer, let credential):
            outcome = await authenticateAsymmetric(&exchange, raw: raw, token: token, consumer: consumer, credential: credential)
        case .jwks(let raw, let token, let jwks):
            outcome = await authenticateWithJWKS(&exchange, raw: raw, token: token, jwks: jwks)
        }
        return finish(outcome, &exchange)
    }

    private func skips(_ exchange: GatewayExchange) -> Bool {
        if !configuration.runOnPreflight && exchange.request.method == .options { return true }
        return configuration.anonymous != nil && exchange.credentialIdentifier != nil
    }

    private func finish(_ outcome: Outcome, _ exchange: inout GatewayExchange) -> GatewayPluginResponse? {
        switch outcome {
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

    /// What is left once the token is found and parsed: nothing (decided without suspending: every failure, a
    /// cached token, an HMAC signature), or a signature check that may suspend (an asymmetric key parsed once per
    /// credential, or a JWKS fetch).
    private enum Preparation {
        case decided(Outcome)
        case asymmetric(raw: String, token: JWTToken, consumer: GatewayConsumer, credential: JWTCredential)
        case jwks(raw: String, token: JWTToken, source: JWKSKeySource)
    }

    private func unauthorized(_ message: String) -> Outcome { .failure(.kongError(.unauthorized, message: message)) }

    private func prepare(_ exchange: inout GatewayExchange) -> Preparation {
        let found = JWTTokenLocator.find(in: exchange.request, configuration: configuration)
        let raw: String
        switch found {
        case .none: return .decided(unauthorized("Unauthorized"))
        case .multiple: return .decided(unauthorized("Multiple tokens provided"))
        case .unrecognizable: return .decided(unauthorized("Unrecognizable token"))
        case .token(let token): raw = token
        }
        if let cached = cache.entry(for: raw, now: now()) {
            if let failure = checkClaims(cached.claims) { return .decided(failure) }
            ConsumerAuthentication.authenticate(&exchange, consumer: cached.consumer, credential: cached.credential)
            return .decided(.success)
        }
        let token: JWTToken
        do { token = try JWTToken(raw) } catch { return .decided(unauthorized("Bad token; \(error.rawValue)")) }

        let claimName = configuration.keyClaimName
        guard let keyValue = token.claims[claimName] ?? token.header[claimName], keyValue != .null else {
            return .decided(unauthorized("No mandatory '\(claimName)' in claims"))
        }
        let key = keyValue.string ?? Self.text(of: keyValue)
        if key.isEmpty { return .decided(unauthorized("Invalid '\(claimName)' in claims")) }

        guard let (consumer, credential) = consumers.jwtCredential(key: key) else {
            if let jwks { return .jwks(raw: raw, token: token, source: jwks) }
            return .decided(unauthorized("No credentials found for given '\(claimName)'"))
        }
        guard token.algorithm == credential.algorithm else { return .decided(unauthorized("Invalid algorithm")) }
        guard credential.algorithm.hasPrefix("HS") else {
            return .asymmetric(raw: raw, token: token, consumer: consumer, credential: credential)
        }
        guard let valid = try? verifier.verifyHMAC(token, with: credential, secretIsBase64: configuration.secretIsBase64) else {
            return .decided(unauthorized("Invalid key/secret"))
        }
        return .decided(verified(valid, &exchange, raw: raw, token: token, consumer: consumer, credential: credential))
    }

    private func authenticateAsymmetric(
        _ exchange: inout GatewayExchange,
        raw: String,
        token: JWTToken,
        consumer: GatewayConsumer,
        credential: JWTCredential
    ) async -> Outcome {
        do {
            let valid = try await verifier.verify(token, with: credential, secretIsBase64: configuration.secretIsBase64)
            return verified(valid, &exchange, raw: raw, token: token, consumer: consumer, credential: credential)
        } catch {
            return unauthorized("Invalid key/secret")
        }
    }

    private func verified(
        _ valid: Bool,
        _ exchange: inout GatewayExchange,
        raw: String,
        token: JWTToken,
        consumer: GatewayConsumer,
        credential: JWTCredential
    ) -> Outcome {
        guard valid else { return unauthorized("Invalid signature") }
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
        let entry = VerifiedTokenCache.Entry(
            claims: token.claims,
            authentication: WireAuthentication(consumer: consumer, credential: credential),
            verifiedAt: now(),
            validity: JWTRegisteredClaims.validity(
                token.claims,
                claimsToVerify: configuration.claimsToVerify,
                maximum: configuration.maximumExpiration
            )
        )
        cache.store(entry, for: raw)
    }

    private func checkClaims(_ claims: [String: JSONValue]) -> Outcome? {
        claimsFailure(claims).map(Outcome.failure)
    }

    /// The 401 for claims that fail `claims_to_verify` or `maximum_expiration` now, nil when they pass.
    private func claimsFailure(_ claims: [String: JSONValue]) -> GatewayPluginResponse? {
        let now = self.now()
        let errors = JWTRegisteredClaims.verify(claims, claimsToVerify: configuration.claimsToVerify, now: now)
        if !errors.isEmpty { return .kongFieldErrors(.unauthorized, errors) }
        let maximum = JWTRegisteredClaims.checkMaximumExpiration(claims, maximum: configuration.maximumExpiration, now: now)
        if !maximum.isEmpty { return .kongFieldErrors(.unauthorized, maximum) }
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
