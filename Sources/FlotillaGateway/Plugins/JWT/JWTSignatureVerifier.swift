import Crypto
import Foundation
import JWTKit
import Synchronization

/// Checks JWT signatures with a consumer's `jwt_secrets` entry: HMAC with swift-crypto (any secret length, as Kong
/// accepts; jwt-kit's HMAC key traps on secrets shorter than the hash), RSA and ECDSA with jwt-kit keys parsed once
/// per credential and kept.
final class JWTSignatureVerifier: Sendable {
    private let asymmetricKeys = Mutex<[String: any JWTAlgorithm]>([:])

    init() {}

    /// Why the credential cannot verify anything (Kong: "Invalid key/secret").
    struct InvalidKey: Error {}

    /// Whether `token`'s signature was made with `credential`'s key. Throws ``InvalidKey`` for an unusable key.
    func verify(_ token: JWTToken, with credential: JWTCredential, secretIsBase64: Bool) async throws -> Bool {
        if credential.algorithm.hasPrefix("HS") { return try verifyHMAC(token, with: credential, secretIsBase64: secretIsBase64) }
        let key = try await asymmetricKey(for: credential)
        return (try? key.verify(token.signature, signs: Array(token.signingInput.utf8))) ?? false
    }

    /// ``verify(_:with:secretIsBase64:)`` for the HS* algorithms, which never suspend.
    func verifyHMAC(_ token: JWTToken, with credential: JWTCredential, secretIsBase64: Bool) throws -> Bool {
        guard var secret = credential.secret.map({ [UInt8]($0.utf8) }) else { throw InvalidKey() }
        if secretIsBase64 {
            guard let decoded = Base64URL.decode(Substring(String(decoding: secret, as: UTF8.self))) else { throw InvalidKey() }
            secret = decoded
        }
        return Self.verifyHMAC(credential.algorithm, token: token, secret: secret)
    }

    /// Checks that `credential`'s public key parses (for configuration errors at load time).
    static func validate(_ credential: JWTCredential) throws {
        guard !credential.algorithm.hasPrefix("HS") else { return }
        guard let pem = credential.rsaPublicKey else { throw InvalidKey() }
        switch credential.algorithm {
        case "RS256", "RS384", "RS512": _ = try JWTKit.Insecure.RSA.PublicKey(pem: pem)
        case "ES256": _ = try ES256PublicKey(pem: pem)
        case "ES384": _ = try ES384PublicKey(pem: pem)
        default: throw InvalidKey()
        }
    }

    static func verifyHMAC(_ algorithm: String, token: JWTToken, secret: [UInt8]) -> Bool {
        let key = SymmetricKey(data: secret)
        let input = Array(token.signingInput.utf8)
        switch algorithm {
        case "HS256": return HMAC<SHA256>.isValidAuthenticationCode(token.signature, authenticating: input, using: key)
        case "HS384": return HMAC<SHA384>.isValidAuthenticationCode(token.signature, authenticating: input, using: key)
        case "HS512": return HMAC<SHA512>.isValidAuthenticationCode(token.signature, authenticating: input, using: key)
        default: return false
        }
    }

    private func asymmetricKey(for credential: JWTCredential) async throws -> any JWTAlgorithm {
        let cacheKey = "\(credential.id)|\(credential.algorithm)|\(credential.rsaPublicKey ?? "")"
        if let known = asymmetricKeys.withLock({ $0[cacheKey] }) { return known }
        let collection = try await Self.makeCollection(credential)
        let key = try await collection.getKey()
        asymmetricKeys.withLock { $0[cacheKey] = key }
        return key
    }

    private static func makeCollection(_ credential: JWTCredential) async throws -> JWTKeyCollection {
        guard let pem = credential.rsaPublicKey else { throw InvalidKey() }
        let collection = JWTKeyCollection()
        switch credential.algorithm {
        case "RS256": await collection.add(rsa: try JWTKit.Insecure.RSA.PublicKey(pem: pem), digestAlgorithm: .sha256)
        case "RS384": await collection.add(rsa: try JWTKit.Insecure.RSA.PublicKey(pem: pem), digestAlgorithm: .sha384)
        case "RS512": await collection.add(rsa: try JWTKit.Insecure.RSA.PublicKey(pem: pem), digestAlgorithm: .sha512)
        case "ES256": await collection.add(ecdsa: try ES256PublicKey(pem: pem))
        case "ES384": await collection.add(ecdsa: try ES384PublicKey(pem: pem))
        default: throw InvalidKey()
        }
        return collection
    }
}
