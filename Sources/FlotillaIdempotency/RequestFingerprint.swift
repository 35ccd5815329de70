import Crypto
import NIOCore

/// A SHA-256 digest of a request's method, path and body: what makes a repeat "the same request".
struct RequestFingerprint: Sendable {
    /// The digest in lower-case hex.
    let hex: String

    init(method: String, path: String, body: ByteBuffer) {
        var hasher = SHA256()
        hasher.update(data: Array(method.utf8))
        hasher.update(data: [0x20])
        hasher.update(data: Array(path.utf8))
        hasher.update(data: [0x0A])
        body.withUnsafeReadableBytes { hasher.update(bufferPointer: $0) }
        hex = hasher.finalize().map { byte in
            let digits = Array("0123456789abcdef".utf8)
            return String(decoding: [digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]], as: UTF8.self)
        }.joined()
    }
}
