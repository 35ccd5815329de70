import NIOCore
import NIOHTTP1

/// How an upstream response's body ends, as its head declares it.
enum ResponseBodyFraming: Equatable {
    /// No body: a response to HEAD, a 1xx, 204 or 304.
    case none
    /// `Content-Length` bytes.
    case length(Int)
    /// `Transfer-Encoding: chunked`: ends with the last chunk and its trailers.
    case chunked
    /// Neither: the body ends when the upstream closes the connection.
    case untilClose
}

/// An upstream response head, ready to go to the client: its status, how its body is framed, and `wire`, the head
/// re-written as bytes (an HTTP/1.1 status line and the upstream's header lines without hop-by-hop fields, but no
/// blank line yet), so the gateway appends its own fields and the blank line and writes it as is.
struct UpstreamResponseHead {
    var status: Int
    var framing: ResponseBodyFraming
    /// Whether the upstream lets the connection be reused after this response.
    var keepAlive: Bool
    /// The upstream set an `X-Request-ID` of its own.
    var hasRequestID: Bool
    /// The upstream's `Upgrade` field (a 101 answer to a WebSocket upgrade).
    var upgrade: String?
    /// Status line and header lines, each ending in CRLF, without the final blank line.
    var wire: ByteBuffer
    /// Where the header lines start in `wire` (after the status line).
    var fieldsOffset: Int

    /// The header fields, parsed back from `wire` (for plugins that filter response headers; not the fast path).
    var headers: HTTPHeaders {
        var headers = HTTPHeaders()
        var lines = wire.getSlice(at: wire.readerIndex + fieldsOffset, length: wire.readableBytes - fieldsOffset) ?? ByteBuffer()
        while let line = lines.readLine() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.add(name: String(line[..<colon]), value: String(line[line.index(colon, offsetBy: 2)...]))
        }
        return headers
    }

    /// Whether a header line is named one of `names` (lowercase), in one pass over `wire`.
    func containsAny(of names: some Collection<String>) -> Bool {
        guard !names.isEmpty else { return false }
        return containsField { name in
            names.contains { $0.utf8.count == name.count && HeaderBytes.equalsIgnoringCase(name, $0) }
        }
    }

    /// Whether a header line has the name (any case) of one of `fields`.
    func containsAnyField(of fields: WireResponseFields) -> Bool {
        fields.nameLengths != 0 && containsField { fields.contains(name: $0) }
    }

    /// Whether the name of a header line satisfies `matches`, in one pass over `wire`.
    private func containsField(_ matches: (UnsafeRawBufferPointer) -> Bool) -> Bool {
        wire.withUnsafeReadableBytes { bytes in
            var index = fieldsOffset
            while index < bytes.count {
                var colon = index
                while colon < bytes.count, bytes[colon] != HeaderBytes.colon { colon += 1 }
                if matches(UnsafeRawBufferPointer(rebasing: bytes[index..<colon])) { return true }
                var end = colon
                while end < bytes.count, bytes[end] != HeaderBytes.lf { end += 1 }
                index = end + 1
            }
            return false
        }
    }

    /// The framing fields to keep when the header block is rebuilt (after a plugin's header filter): the
    /// `Content-Length` and `Transfer-Encoding` lines of `wire` as the framer passed them (a chunked coding the
    /// client gets decoded is already gone; `gzip` on a close-delimited body stays).
    var framingFields: [(String, String)] {
        headers.filter { name, _ in
            HeaderBytes.equalsIgnoringCase(name, "content-length")
                || HeaderBytes.equalsIgnoringCase(name, "transfer-encoding")
        }
    }
}

extension ByteBuffer {
    /// The next line without its CRLF, as a String.
    fileprivate mutating func readLine() -> String? {
        guard let end = readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else { return nil }
        let length = end - readerIndex
        var line = readString(length: length) ?? ""
        moveReaderIndex(forwardBy: 1)
        if line.hasSuffix("\r") { line.removeLast() }
        return line
    }
}
