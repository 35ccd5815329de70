import Foundation

/// A JWT split and decoded as Kong's `jwt_parser` does, before any signature check.
struct JWTToken: Sendable {
    /// Algorithms Kong's jwt plugin can verify; anything else (`none` included) is "invalid alg".
    static let verifiableAlgorithms: Set<String> = ["HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "ES256", "ES384"]

    var header: [String: JSONValue]
    var claims: [String: JSONValue]
    /// `header.claims` as sent: what the signature covers.
    var signingInput: Substring
    var signature: [UInt8]

    /// The `alg` header (one of ``verifiableAlgorithms``).
    var algorithm: String { header["alg"]?.string ?? "" }

    /// Why a token could not be decoded; the text after "Bad token; ".
    enum DecodeError: String, Error {
        case invalidJSON = "invalid JSON"
        case invalidAlg = "invalid alg"
    }

    init(_ token: String) throws(DecodeError) {
        let parts = token.split(separator: ".", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3,
            let headerBytes = Base64URL.decode(parts[0]),
            let claimBytes = Base64URL.decode(parts[1]),
            let signature = Base64URL.decode(parts[2]),
            let header = Self.object(headerBytes),
            let claims = Self.object(claimBytes)
        else { throw .invalidJSON }
        guard let alg = header["alg"]?.string, Self.verifiableAlgorithms.contains(alg) else { throw .invalidAlg }
        self.header = header
        self.claims = claims
        self.signingInput = token[parts[0].startIndex..<parts[1].endIndex]
        self.signature = signature
    }

    private static func object(_ bytes: [UInt8]) -> [String: JSONValue]? {
        (try? JSONDecoder().decode(JSONValue.self, from: Data(bytes)))?.object
    }
}
