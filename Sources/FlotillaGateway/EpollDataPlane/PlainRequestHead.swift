import HTTPTypes
import NIOHTTP1

/// A request head the epoll data plane proxies itself: `GET` or `HEAD`, HTTP/1.1, one Host, no body, no upgrade,
/// no `Expect` or `Proxy-Connection`, no Connection tokens but `close` and `keep-alive`, every line strictly
/// well-formed, no blanks at the end of a value (llhttp keeps them, and reads a tab there differently). Anything else
/// (or anything this parser is unsure of) is handed, unread, to the NIO data plane, whose llhttp parser answers it;
/// so this parser only ever accepts a subset of what llhttp accepts, and never rejects anything itself.
struct PlainRequestHead {
    let isHEAD: Bool
    let uri: String
    let host: String
    let keepAlive: Bool
    /// Bytes of the head, the final blank line included.
    let length: Int
    /// Where the field lines start in the head (after the request line).
    let fieldsStart: Int
    /// The client sent `Content-Length: 0`.
    let hasContentLength: Bool
    /// Where the value of the last `X-Request-ID` field is in the head.
    let requestIDValue: Range<Int>?
    /// The head has a field the proxy rewrites or drops besides Host and Connection (`X-Forwarded-*`, `TE`,
    /// `Trailer`, `Keep-Alive`): its upstream head is written by ``ForwardedHeaders`` from ``headers(in:)``, not
    /// copied field by field.
    let hasForwardingFields: Bool
    /// The head has a field an authentication removes (`X-Consumer-*`, `X-Credential-Identifier`,
    /// `X-Anonymous-Consumer`): plugins do not run on its bytes.
    let hasConsumerFields: Bool

    var method: String { isHEAD ? "HEAD" : "GET" }

    enum Outcome {
        /// No blank line yet.
        case incomplete
        /// Not a plain request: the NIO data plane takes the connection.
        case notPlain
        case plain(PlainRequestHead)
    }

    /// The longest head this data plane reads (a longer one goes to NIO's parser and its limits).
    static let maximumLength = 16 * 1024

    static func parse(_ bytes: UnsafeRawBufferPointer) -> Outcome {
        var end = -1
        var index = 0
        let count = min(bytes.count, maximumLength)
        while index + 3 < count {
            if bytes[index + 3] != HeaderBytes.lf {
                index += bytes[index + 3] == HeaderBytes.cr ? 1 : 4
                continue
            }
            if bytes[index] == HeaderBytes.cr, bytes[index + 1] == HeaderBytes.lf, bytes[index + 2] == HeaderBytes.cr {
                end = index + 4
                break
            }
            index += 1
        }
        guard end > 0 else { return bytes.count >= maximumLength ? .notPlain : .incomplete }
        return parseHead(UnsafeRawBufferPointer(rebasing: bytes[0..<end])).map(Outcome.plain) ?? .notPlain
    }

    private static func parseHead(_ head: UnsafeRawBufferPointer) -> PlainRequestHead? {
        var cursor = 0
        let isHEAD: Bool
        if head.starts(with: "GET /".utf8) {
            isHEAD = false
            cursor = 4
        } else if head.starts(with: "HEAD /".utf8) {
            isHEAD = true
            cursor = 5
        } else {
            return nil
        }
        let uriStart = cursor
        while cursor < head.count, head[cursor] > 0x20, head[cursor] < 0x7F { cursor += 1 }
        let uriEnd = cursor
        guard head.count - cursor >= 10,
            UnsafeRawBufferPointer(rebasing: head[cursor..<cursor + 10]).elementsEqual(" HTTP/1.1\r".utf8),
            head[cursor + 10] == HeaderBytes.lf
        else { return nil }
        cursor += 11
        let fieldsStart = cursor
        var host: String?
        var keepAlive = true
        var sawContentLength = false
        var requestIDValue: Range<Int>?
        var hasForwardingFields = false
        var hasConsumerFields = false
        // Field lines until the blank line (the head ends with CRLF CRLF, checked by the caller).
        while cursor < head.count - 2 {
            let nameStart = cursor
            while cursor < head.count, HeaderBytes.isTokenByte(head[cursor]) { cursor += 1 }
            guard cursor > nameStart, cursor < head.count, head[cursor] == HeaderBytes.colon else { return nil }
            let nameEnd = cursor
            cursor += 1
            while cursor < head.count, head[cursor] == HeaderBytes.space || head[cursor] == HeaderBytes.tab { cursor += 1 }
            let valueStart = cursor
            cursor = HeaderBytes.endOfValue(in: head, from: cursor)
            guard cursor + 1 < head.count, head[cursor] == HeaderBytes.cr, head[cursor + 1] == HeaderBytes.lf else { return nil }
            let valueEnd = cursor
            // llhttp keeps blanks at the end of a value (and reads Content-Length or Connection with a tab there
            // otherwise than a trimmed value would be read): such heads are not plain.
            if valueEnd > valueStart, head[valueEnd - 1] == HeaderBytes.space || head[valueEnd - 1] == HeaderBytes.tab { return nil }
            cursor += 2
            let name = UnsafeRawBufferPointer(rebasing: head[nameStart..<nameEnd])
            let value = UnsafeRawBufferPointer(rebasing: head[valueStart..<valueEnd])
            switch name.count {
            case 4 where HeaderBytes.matches(name, "host"):
                guard host == nil, !value.isEmpty else { return nil }
                host = String(decoding: value, as: UTF8.self)
            case 10 where HeaderBytes.matches(name, "connection"):
                guard !value.contains(HeaderBytes.tab) else { return nil }
                for token in value.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: true) {
                    let trimmed = token.drop { $0 == HeaderBytes.space || $0 == HeaderBytes.tab }
                    let bare = trimmed.reversed().drop { $0 == HeaderBytes.space || $0 == HeaderBytes.tab }.reversed()
                    if HeaderBytes.equalsIgnoringCase(bare, "close".utf8) {
                        keepAlive = false
                    } else if !HeaderBytes.equalsIgnoringCase(bare, "keep-alive".utf8) {
                        return nil  // Connection naming other fields: NIO's path removes them.
                    }
                }
            case 14 where HeaderBytes.matches(name, "content-length"):
                // One `0`, once (llhttp refuses a repeated Content-Length, even an equal one).
                guard !sawContentLength, value.count == 1, value[0] == UInt8(ascii: "0") else { return nil }
                sawContentLength = true
            case 17 where HeaderBytes.matches(name, "transfer-encoding"),
                7 where HeaderBytes.matches(name, "upgrade"),
                6 where HeaderBytes.matches(name, "expect"),
                16 where HeaderBytes.matches(name, "proxy-connection"):  // llhttp reads it as Connection
                return nil
            case 12 where HeaderBytes.matches(name, "x-request-id"):
                requestIDValue = valueStart..<valueEnd
            case _ where ForwardedHeaders.isRewritten(name):
                hasForwardingFields = true
            case _ where ConsumerAuthentication.isManaged(name):
                hasConsumerFields = true
            default:
                break
            }
        }
        guard let host else { return nil }
        return PlainRequestHead(
            isHEAD: isHEAD,
            uri: String(decoding: UnsafeRawBufferPointer(rebasing: head[uriStart..<uriEnd]), as: UTF8.self),
            host: host,
            keepAlive: keepAlive,
            length: head.count,
            fieldsStart: fieldsStart,
            hasContentLength: sawContentLength,
            requestIDValue: requestIDValue,
            hasForwardingFields: hasForwardingFields,
            hasConsumerFields: hasConsumerFields
        )
    }
}

// MARK: Reading the fields again

extension PlainRequestHead {
    /// Calls `body` with each field's name and value (without the blanks around it), in order. `bytes` starts with
    /// this head, as it was parsed: its lines are known to be well-formed, so they are only split again here.
    func forEachField(in bytes: UnsafeRawBufferPointer, _ body: (_ name: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) -> Void) {
        var cursor = fieldsStart
        let end = length - 2
        while cursor < end {
            let nameStart = cursor
            while bytes[cursor] != HeaderBytes.colon { cursor += 1 }
            let nameEnd = cursor
            cursor += 1
            while bytes[cursor] == HeaderBytes.space || bytes[cursor] == HeaderBytes.tab { cursor += 1 }
            let valueStart = cursor
            cursor = HeaderBytes.endOfValue(in: bytes, from: cursor)
            body(UnsafeRawBufferPointer(rebasing: bytes[nameStart..<nameEnd]), UnsafeRawBufferPointer(rebasing: bytes[valueStart..<cursor]))
            cursor += 2
        }
    }

    /// How many fields are named `name` (any case), and the value of the first.
    func values(named name: String, in bytes: UnsafeRawBufferPointer) -> (count: Int, first: UnsafeRawBufferPointer?) {
        var count = 0
        var first: UnsafeRawBufferPointer?
        forEachField(in: bytes) { fieldName, value in
            guard fieldName.count == name.utf8.count, HeaderBytes.equalsIgnoringCase(fieldName, name) else { return }
            if count == 0 { first = value }
            count += 1
        }
        return (count, first)
    }

    /// The value of the first field named `name` (any case), as routes with header matches ask for it.
    func firstValue(of name: String, in bytes: UnsafeRawBufferPointer) -> String? {
        values(named: name, in: bytes).first.map { String(decoding: $0, as: UTF8.self) }
    }

    /// The fields as NIO's type (for the plugins, and for the upstream head of a request with forwarding fields).
    func headers(in bytes: UnsafeRawBufferPointer) -> HTTPHeaders {
        var headers = HTTPHeaders()
        forEachField(in: bytes) { name, value in
            headers.add(name: String(decoding: name, as: UTF8.self), value: String(decoding: value, as: UTF8.self))
        }
        return headers
    }

    /// The fields as HTTPTypes' (for the plugins), made from the bytes without `HTTPHeaders` in between; a name
    /// HTTPTypes refuses is left out, as ``HTTPTypesBridge/fields(_:)`` leaves it out.
    func fields(in bytes: UnsafeRawBufferPointer) -> HTTPFields {
        var fields = HTTPFields()
        forEachField(in: bytes) { name, value in
            if let fieldName = HTTPField.Name(String(decoding: name, as: UTF8.self)) {
                fields.append(HTTPField(name: fieldName, value: String(decoding: value, as: UTF8.self)))
            }
        }
        return fields
    }

    /// The client's request id (its last `X-Request-ID`), if it sent one.
    func requestID(in bytes: UnsafeRawBufferPointer) -> String? {
        requestIDValue.map { String(decoding: UnsafeRawBufferPointer(rebasing: bytes[$0]), as: UTF8.self) }
    }
}
