import NIOCore

/// Finds where each upstream response starts and ends in the bytes read from a kept-alive upstream connection, so
/// the proxy can copy them to the client without decoding them: the head is parsed (``UpstreamResponseHeadParser``),
/// the body passes through as it came (chunked bodies keep their chunk framing) unless it must be decoded for an
/// HTTP/1.0 client. This replaces NIO's `HTTPResponseDecoder`, which turned every header into a `String` and every
/// body part into a message the gateway then encoded again.
struct UpstreamResponseFramer {
    enum Event {
        case head(UpstreamResponseHead)
        case body(ByteBuffer)
        /// The response ended; bytes still in the buffer do not belong to it.
        case end
    }

    private enum Phase {
        /// No request is outstanding: any byte is an error.
        case idle
        case head
        case fixed(remaining: Int)
        case chunked
        case untilClose
        /// The body ended (or there is none): `.end` comes next.
        case ending
        /// A 101 switched protocols: the rest is not HTTP.
        case switched
    }

    /// The longest response head accepted (nginx's `proxy_buffer_size` is 4–8 KiB; this is generous).
    static let maximumHeadSize = 64 * 1024

    private let allocator: ByteBufferAllocator
    private var phase = Phase.idle
    private var requestWasHead = false
    private var decodeChunks = false
    /// Head bytes read so far, while a head spans reads.
    private var pending: ByteBuffer?
    private var scanned = 0
    private var chunks = ChunkedBodyScanner()

    init(allocator: ByteBufferAllocator) { self.allocator = allocator }

    /// A request went up: its response comes next.
    mutating func expectResponse(toHead: Bool, decodeChunks: Bool) {
        phase = .head
        requestWasHead = toHead
        self.decodeChunks = decodeChunks
        pending = nil
        scanned = 0
    }

    /// Whether the response so far ends when the connection closes (its body had no length).
    var endsAtClose: Bool {
        if case .untilClose = phase { return true }
        return false
    }

    /// The next event in `buffer`, nil when it needs more bytes.
    mutating func next(_ buffer: inout ByteBuffer) throws -> Event? {
        while true {
            switch phase {
            case .idle:
                if buffer.readableBytes > 0 { throw InvalidUpstreamResponse("data after the response") }
                return nil
            case .switched:
                return nil
            case .ending:
                phase = .idle
                return .end
            case .head:
                guard let head = try readHead(&buffer) else { return nil }
                if head.status >= 100, head.status < 200, head.status != 101 {
                    continue  // 100 Continue, 103 Early Hints: the final response follows.
                }
                switch head.framing {
                case .none: phase = head.status == 101 ? .switched : .ending
                case .length(let count): phase = count == 0 ? .ending : .fixed(remaining: count)
                case .chunked:
                    chunks = ChunkedBodyScanner()
                    phase = .chunked
                case .untilClose: phase = .untilClose
                }
                return .head(head)
            case .fixed(let remaining):
                guard buffer.readableBytes > 0 else { return nil }
                let count = min(remaining, buffer.readableBytes)
                let slice = buffer.readSlice(length: count)!
                phase = count == remaining ? .ending : .fixed(remaining: remaining - count)
                return .body(slice)
            case .untilClose:
                guard buffer.readableBytes > 0 else { return nil }
                return .body(buffer.readSlice(length: buffer.readableBytes)!)
            case .chunked:
                if chunks.finished {
                    phase = .ending
                    continue
                }
                guard buffer.readableBytes > 0 else { return nil }
                if decodeChunks {
                    guard let data = try chunks.nextData(&buffer) else { continue }
                    return .body(data)
                }
                let consumed = try chunks.skim(buffer)
                return .body(buffer.readSlice(length: consumed)!)
            }
        }
    }

    /// The connection closed: the end of a response delimited by the close, or nil if a response was cut short.
    mutating func connectionClosed() -> Event? {
        guard endsAtClose else { return nil }
        phase = .idle
        return .end
    }

    private mutating func readHead(_ buffer: inout ByteBuffer) throws -> UpstreamResponseHead? {
        if var pending {
            self.pending = nil
            pending.writeBuffer(&buffer)
            buffer = pending
        }
        let end = buffer.withUnsafeReadableBytes { bytes -> Int? in
            var index = max(scanned, 0)
            while index < bytes.count {
                if bytes[index] == HeaderBytes.lf {
                    if index + 1 < bytes.count, bytes[index + 1] == HeaderBytes.lf { return index + 2 }
                    if index + 2 < bytes.count, bytes[index + 1] == HeaderBytes.cr, bytes[index + 2] == HeaderBytes.lf { return index + 3 }
                }
                index += 1
            }
            return nil
        }
        guard let end else {
            guard buffer.readableBytes <= Self.maximumHeadSize else { throw InvalidUpstreamResponse("response head too large") }
            scanned = max(buffer.readableBytes - 2, 0)
            pending = buffer.readSlice(length: buffer.readableBytes)
            return nil
        }
        guard end <= Self.maximumHeadSize else { throw InvalidUpstreamResponse("response head too large") }
        scanned = 0
        let head = try buffer.withUnsafeReadableBytes { bytes in
            try UpstreamResponseHeadParser.parse(
                UnsafeRawBufferPointer(rebasing: bytes[0..<end]),
                requestWasHead: requestWasHead,
                decodeChunks: decodeChunks,
                allocator: allocator
            )
        }
        buffer.moveReaderIndex(forwardBy: end)
        return head
    }
}
