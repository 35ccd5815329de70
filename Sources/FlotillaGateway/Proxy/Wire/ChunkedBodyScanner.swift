import NIOCore

/// Follows a `Transfer-Encoding: chunked` body byte by byte (RFC 9112 §7.1) to find where it ends, across reads of
/// any size and without buffering: chunk sizes in hex (at most 15 digits), extensions skipped, CRLF (or a bare LF)
/// after each line and chunk, trailer lines up to 64 KiB. Either reports how many bytes belong to the body, so they
/// are copied through framed as they came, or hands out just the chunks' data.
struct ChunkedBodyScanner {
    private enum State {
        case size(value: Int, digits: Int)
        case sizeExtension(value: Int)
        case sizeLF(value: Int)
        case data(remaining: Int)
        case dataCR
        case dataLF
        case trailerLineStart
        case trailerLine
        case trailerLineLF
        case finalLF
        case finished
    }

    private static let maximumTrailerBytes = 64 * 1024

    private var state = State.size(value: 0, digits: 0)
    private var trailerBytes = 0

    var finished: Bool {
        if case .finished = state { return true }
        return false
    }

    /// How many of `buffer`'s readable bytes belong to the body (all of them, unless the body ends inside).
    mutating func skim(_ buffer: ByteBuffer) throws -> Int {
        try buffer.withUnsafeReadableBytes { bytes in
            var index = 0
            while index < bytes.count, !finished {
                if case .data(let remaining) = state {
                    let count = min(remaining, bytes.count - index)
                    index += count
                    state = count == remaining ? .dataCR : .data(remaining: remaining - count)
                } else {
                    try step(bytes[index])
                    index += 1
                }
            }
            return index
        }
    }

    /// Consumes framing bytes from `buffer` and returns the next piece of chunk data, or nil when `buffer` ran out
    /// (or the body ended) before any data.
    mutating func nextData(_ buffer: inout ByteBuffer) throws -> ByteBuffer? {
        while buffer.readableBytes > 0, !finished {
            if case .data(let remaining) = state {
                let count = min(remaining, buffer.readableBytes)
                state = count == remaining ? .dataCR : .data(remaining: remaining - count)
                return buffer.readSlice(length: count)
            }
            try step(buffer.readInteger(as: UInt8.self)!)
        }
        return nil
    }

    private mutating func step(_ byte: UInt8) throws {
        switch state {
        case .size(let value, let digits):
            if let digit = HeaderBytes.hexValue(byte) {
                guard digits < 15 else { throw InvalidUpstreamResponse("chunk size too large") }
                state = .size(value: value * 16 + digit, digits: digits + 1)
                return
            }
            guard digits > 0 else { throw InvalidUpstreamResponse("invalid chunk size") }
            switch byte {
            case UInt8(ascii: ";"), HeaderBytes.space, HeaderBytes.tab: state = .sizeExtension(value: value)
            case HeaderBytes.cr: state = .sizeLF(value: value)
            case HeaderBytes.lf: sizeLineEnded(value)
            default: throw InvalidUpstreamResponse("invalid chunk size")
            }
        case .sizeExtension(let value):
            switch byte {
            case HeaderBytes.cr: state = .sizeLF(value: value)
            case HeaderBytes.lf: sizeLineEnded(value)
            default: guard HeaderBytes.isValueByte(byte) else { throw InvalidUpstreamResponse("invalid chunk extension") }
            }
        case .sizeLF(let value):
            guard byte == HeaderBytes.lf else { throw InvalidUpstreamResponse("invalid chunk size line") }
            sizeLineEnded(value)
        case .data:
            preconditionFailure("data is consumed in bulk")
        case .dataCR:
            switch byte {
            case HeaderBytes.cr: state = .dataLF
            case HeaderBytes.lf: state = .size(value: 0, digits: 0)
            default: throw InvalidUpstreamResponse("chunk longer than its size")
            }
        case .dataLF:
            guard byte == HeaderBytes.lf else { throw InvalidUpstreamResponse("chunk longer than its size") }
            state = .size(value: 0, digits: 0)
        case .trailerLineStart:
            switch byte {
            case HeaderBytes.cr: state = .finalLF
            case HeaderBytes.lf: state = .finished
            default:
                try countTrailer(byte)
                state = .trailerLine
            }
        case .trailerLine:
            switch byte {
            case HeaderBytes.cr: state = .trailerLineLF
            case HeaderBytes.lf: state = .trailerLineStart
            default: try countTrailer(byte)
            }
        case .trailerLineLF:
            guard byte == HeaderBytes.lf else { throw InvalidUpstreamResponse("invalid trailer") }
            state = .trailerLineStart
        case .finalLF:
            guard byte == HeaderBytes.lf else { throw InvalidUpstreamResponse("invalid end of chunked body") }
            state = .finished
        case .finished:
            break
        }
    }

    private mutating func sizeLineEnded(_ value: Int) {
        state = value == 0 ? .trailerLineStart : .data(remaining: value)
    }

    private mutating func countTrailer(_ byte: UInt8) throws {
        trailerBytes += 1
        guard trailerBytes <= Self.maximumTrailerBytes, HeaderBytes.isValueByte(byte) else {
            throw InvalidUpstreamResponse("invalid or oversized trailers")
        }
    }
}
