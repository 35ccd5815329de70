import NIOCore

/// An upstream sent something that is not a well-formed HTTP/1.1 response; the client gets a 502 (or, mid-response,
/// a closed connection), as nginx answers "upstream sent invalid header".
struct InvalidUpstreamResponse: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Reads a complete upstream response head (status line through the blank line) into an ``UpstreamResponseHead``:
/// checks every byte a client could be hurt by (field names are tokens; values and the reason phrase have no CR,
/// LF or NUL; no obsolete line folding), works out the body's framing, and writes the header lines the client gets.
enum UpstreamResponseHeadParser {
    /// - Parameters:
    ///   - bytes: the head, ending with its blank line.
    ///   - requestWasHead: the request was HEAD, so the response has no body whatever it declares.
    ///   - decodeChunks: a chunked body will reach the client decoded (an HTTP/1.0 client), so `Transfer-Encoding`
    ///     is not passed on.
    static func parse(
        _ bytes: UnsafeRawBufferPointer,
        requestWasHead: Bool,
        decodeChunks: Bool,
        allocator: ByteBufferAllocator
    ) throws -> UpstreamResponseHead {
        var index = 0
        // Status line: HTTP/1.x SP 3DIGIT [SP reason]
        let lineEnd = endOfLine(bytes, from: 0)
        guard lineEnd.content >= 12,
            HeaderBytes.matches(UnsafeRawBufferPointer(rebasing: bytes[0..<7]), "http/1."),
            let minor = HeaderBytes.hexValue(bytes[7]), minor <= 1,
            bytes[8] == HeaderBytes.space
        else { throw InvalidUpstreamResponse("invalid status line") }
        var status = 0
        for offset in 9..<12 {
            guard let digit = HeaderBytes.hexValue(bytes[offset]), digit < 10 else { throw InvalidUpstreamResponse("invalid status code") }
            status = status * 10 + digit
        }
        guard status >= 100 else { throw InvalidUpstreamResponse("invalid status code") }
        let reason =
            lineEnd.content > 12 ? UnsafeRawBufferPointer(rebasing: bytes[13..<lineEnd.content]) : UnsafeRawBufferPointer(start: nil, count: 0)
        guard lineEnd.content == 12 || bytes[12] == HeaderBytes.space, reason.allSatisfy(HeaderBytes.isValueByte) else {
            throw InvalidUpstreamResponse("invalid reason phrase")
        }
        index = lineEnd.next
        // A line written again grows by at most two bytes (a space after the colon, a CR before the LF), and a line
        // has at least three: twice the input is room enough. The rest is room for the fields the gateway adds.
        let maximumLength = 2 * bytes.count + 16
        var wire = allocator.buffer(capacity: maximumLength + 256)
        var fieldsOffset = 0
        var fields = FieldScan(minor: minor)
        try wire.writeHead(maximumLength: maximumLength) { writer in
            writer.write("HTTP/1.1 ")
            writer.write(UnsafeRawBufferPointer(rebasing: bytes[9..<12]))
            writer.write(byte: HeaderBytes.space)
            writer.write(reason)
            writer.write("\r\n")
            fieldsOffset = writer.count
            let fieldsStart = index
            try fields.scan(bytes, from: fieldsStart, into: &writer, skippingConnectionTokens: false, decodeChunks: decodeChunks)
            if fields.hasOtherConnectionTokens {
                // `Connection: close, X-Foo` makes X-Foo hop-by-hop as well: write the lines again without them.
                writer.rewind(to: fieldsOffset)
                var again = FieldScan(minor: minor)
                again.connectionTokens = fields.connectionTokens
                try again.scan(bytes, from: fieldsStart, into: &writer, skippingConnectionTokens: true, decodeChunks: decodeChunks)
            }
        }

        let framing: ResponseBodyFraming
        if requestWasHead || status < 200 || status == 204 || status == 304 {
            framing = .none
        } else if let chunked = fields.transferEncodingChunked {
            guard fields.contentLength == nil else {
                throw InvalidUpstreamResponse("both Content-Length and Transfer-Encoding")
            }
            framing = chunked ? .chunked : .untilClose
        } else if let length = fields.contentLength {
            framing = .length(length)
        } else {
            framing = .untilClose
        }
        let keepAlive = framing != .untilClose && (minor == 1 ? !fields.close : fields.keepAlive)
        return UpstreamResponseHead(
            status: status,
            framing: framing,
            keepAlive: keepAlive,
            hasRequestID: fields.hasRequestID && !fields.connectionTokens.contains { $0.elementsEqual("x-request-id".utf8) },
            upgrade: fields.upgrade,
            wire: wire,
            fieldsOffset: fieldsOffset
        )
    }

    /// Where a line's content ends (before CRLF or LF) and where the next line starts.
    static func endOfLine(_ bytes: UnsafeRawBufferPointer, from start: Int) -> (content: Int, next: Int) {
        var index = start
        while index < bytes.count, bytes[index] != HeaderBytes.lf { index += 1 }
        let content = index > start && bytes[index - 1] == HeaderBytes.cr ? index - 1 : index
        return (content, min(index + 1, bytes.count))
    }
}

/// One pass over a response's header lines: copies the lines the client gets and notes the fields that frame the
/// body or govern the connection.
private struct FieldScan {
    let minor: Int
    var contentLength: Int?
    /// nil without Transfer-Encoding; whether its last coding is chunked otherwise.
    var transferEncodingChunked: Bool?
    var close = false
    var keepAlive = false
    var hasRequestID = false
    var upgrade: String?
    var connectionTokens: [[UInt8]] = []
    var hasOtherConnectionTokens = false

    init(minor: Int) { self.minor = minor }

    mutating func scan(
        _ bytes: UnsafeRawBufferPointer,
        from start: Int,
        into wire: inout HeadBytesWriter,
        skippingConnectionTokens: Bool,
        decodeChunks: Bool
    ) throws {
        var index = start
        while index < bytes.count {
            let line = UpstreamResponseHeadParser.endOfLine(bytes, from: index)
            if line.content == index { return }  // the blank line
            if bytes[index] == HeaderBytes.space || bytes[index] == HeaderBytes.tab {
                throw InvalidUpstreamResponse("obsolete line folding")
            }
            var colon = index
            while colon < line.content, bytes[colon] != HeaderBytes.colon {
                guard HeaderBytes.isTokenByte(bytes[colon]) else { throw InvalidUpstreamResponse("invalid header name") }
                colon += 1
            }
            guard colon < line.content, colon > index else { throw InvalidUpstreamResponse("invalid header line") }
            var valueStart = colon + 1
            var valueEnd = line.content
            while valueStart < valueEnd, bytes[valueStart] == HeaderBytes.space || bytes[valueStart] == HeaderBytes.tab { valueStart += 1 }
            while valueEnd > valueStart, bytes[valueEnd - 1] == HeaderBytes.space || bytes[valueEnd - 1] == HeaderBytes.tab { valueEnd -= 1 }
            let name = UnsafeRawBufferPointer(rebasing: bytes[index..<colon])
            let value = UnsafeRawBufferPointer(rebasing: bytes[valueStart..<valueEnd])
            guard value.allSatisfy(HeaderBytes.isValueByte) else { throw InvalidUpstreamResponse("invalid header value") }
            index = line.next
            if try !note(name: name, value: value, decodeChunks: decodeChunks) { continue }
            if skippingConnectionTokens, connectionTokens.contains(where: { HeaderBytes.equalsIgnoringCase(name, $0) }) { continue }
            wire.write(name)
            wire.write(": ")
            wire.write(value)
            wire.write("\r\n")
        }
        throw InvalidUpstreamResponse("incomplete head")
    }

    /// Notes what a field says; false when the line is not passed to the client.
    private mutating func note(name: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer, decodeChunks: Bool) throws -> Bool {
        switch name.count {
        case 14 where HeaderBytes.matches(name, "content-length"):
            guard !value.isEmpty, value.count <= 18, value.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
                throw InvalidUpstreamResponse("invalid Content-Length")
            }
            let length = value.reduce(0) { $0 * 10 + Int($1 - 48) }
            if let contentLength, contentLength != length { throw InvalidUpstreamResponse("conflicting Content-Length") }
            if contentLength != nil { return false }
            contentLength = length
            return true
        case 17 where HeaderBytes.matches(name, "transfer-encoding"):
            var last = value[...]
            if let comma = value.lastIndex(of: UInt8(ascii: ",")) { last = value[(comma + 1)...] }
            let coding = last.drop { $0 == HeaderBytes.space || $0 == HeaderBytes.tab }
            let chunked = HeaderBytes.matches(UnsafeRawBufferPointer(rebasing: coding), "chunked")
            transferEncodingChunked = chunked
            return !(decodeChunks && chunked)
        case 10 where HeaderBytes.matches(name, "connection"):
            var start = 0
            while start <= value.count {
                var end = start
                while end < value.count, value[end] != UInt8(ascii: ",") { end += 1 }
                var first = start
                var last = end
                while first < last, value[first] == HeaderBytes.space || value[first] == HeaderBytes.tab { first += 1 }
                while last > first, value[last - 1] == HeaderBytes.space || value[last - 1] == HeaderBytes.tab { last -= 1 }
                let token = UnsafeRawBufferPointer(rebasing: value[first..<last])
                if HeaderBytes.matches(token, "close") {
                    close = true
                } else if HeaderBytes.matches(token, "keep-alive") {
                    keepAlive = true
                } else if !token.isEmpty, !HeaderBytes.matches(token, "upgrade"),
                    // Framing fields stay whatever Connection names: the client needs them to find the body's end.
                    !HeaderBytes.matches(token, "content-length"),
                    !HeaderBytes.matches(token, "transfer-encoding")
                {
                    connectionTokens.append(token.map(HeaderBytes.lowercased))
                    hasOtherConnectionTokens = true
                }
                start = end + 1
            }
            return false
        case 7 where HeaderBytes.matches(name, "upgrade"):
            upgrade = String(decoding: value, as: UTF8.self)
            return false
        case 12 where HeaderBytes.matches(name, "x-request-id"):
            hasRequestID = true
            return true
        case 2 where HeaderBytes.matches(name, "te"),
            7 where HeaderBytes.matches(name, "trailer"),
            10 where HeaderBytes.matches(name, "keep-alive"),
            16 where HeaderBytes.matches(name, "proxy-connection"):
            return false
        default:
            return true
        }
    }
}
