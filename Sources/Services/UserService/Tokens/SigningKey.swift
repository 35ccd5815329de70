import Crypto
import Foundation
import JWTKit
import _CryptoExtras

/// user-service's RS256 signing key and its public JWK.
struct SigningKey: Sendable {
    /// The key id: the RFC 7638 thumbprint of the public key.
    let kid: String
    let privateKey: JWTKit.Insecure.RSA.PrivateKey
    let pem: String

    init(pem: String) throws {
        self.pem = pem
        privateKey = try JWTKit.Insecure.RSA.PrivateKey(pem: pem)
        kid = try Self.thumbprint(of: privateKey.publicKey)
    }

    /// Generates a new 2048-bit key.
    static func generate() throws -> SigningKey {
        try SigningKey(pem: _RSA.Signing.PrivateKey(keySize: .bits2048).pemRepresentation)
    }

    /// The public key as a JWK (`kty`, `use`, `alg`, `kid`, `n`, `e`).
    func publicJWK() throws -> [String: String] {
        let (modulus, exponent) = try privateKey.publicKey.getKeyPrimitives()
        return [
            "kty": "RSA", "use": "sig", "alg": "RS256", "kid": kid,
            "n": Self.base64URL(modulus), "e": Self.base64URL(exponent),
        ]
    }

    /// RFC 7638: SHA-256 over the canonical JSON of the required members, base64url.
    static func thumbprint(of key: JWTKit.Insecure.RSA.PublicKey) throws -> String {
        let (modulus, exponent) = try key.getKeyPrimitives()
        let canonical = "{\"e\":\"\(base64URL(exponent))\",\"kty\":\"RSA\",\"n\":\"\(base64URL(modulus))\"}"
        return base64URL(Data(SHA256.hash(data: Data(canonical.utf8))))
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
