import Crypto
import NIOCore

/// An HMAC-SHA256 of a request's method, path and body: what makes a repeat "the same request".
/// Keyed (see ``FingerprintKey``), so the stored value says nothing about the body.
struct RequestFingerprint: Sendable {
    /// The digest in lower-case hex.
    let hex: String

    init(method: String, path: String, body: ByteBuffer, key: SymmetricKey) {
        var hasher = HMAC<SHA256>(key: key)
        hasher.update(data: Array(method.utf8))
        hasher.update(data: [0x20])
        hasher.update(data: Array(path.utf8))
        hasher.update(data: [0x0A])
        body.withUnsafeReadableBytes { hasher.update(data: $0) }
        hex = hasher.finalize().map { byte in
            let digits = Array("0123456789abcdef".utf8)
            return String(decoding: [digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]], as: UTF8.self)
        }.joined()
    }
}
