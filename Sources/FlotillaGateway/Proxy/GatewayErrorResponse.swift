import NIOCore
import NIOHTTP1

/// Kong's error responses: a JSON body `{"message":"..."}` with `content-type: application/json; charset=utf-8`.
enum GatewayErrorResponse {
    static let noRoute = "no Route matched with those values"
    static let badGateway = "An invalid response was received from the upstream server"
    static let timeout = "The upstream server is timing out"
    static let noPeer = "failure to get a peer from the ring-balancer"
    static let overflow = "upstream connection pool overflow"
    static let tooLarge = "Request size limit exceeded"
    static let headersTooLarge = "Request header fields too large"
    static let badRequest = "Bad request"
    static let requestTimeout = "Request timeout"

    static func body(_ message: String, allocator: ByteBufferAllocator) -> ByteBuffer {
        var escaped = ""
        for character in message.unicodeScalars {
            switch character {
            case "\"": escaped += "\\\""
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            default: escaped.unicodeScalars.append(character)
            }
        }
        return allocator.buffer(string: "{\"message\":\"\(escaped)\"}")
    }

    static func head(_ status: HTTPResponseStatus, length: Int, keepAlive: Bool, extra: HTTPHeaders = [:]) -> HTTPResponseHead {
        var headers = HTTPHeaders()
        headers.reserveCapacity(4 + extra.count)
        headers.add(name: "content-type", value: "application/json; charset=utf-8")
        headers.add(name: "content-length", value: String(length))
        if !keepAlive { headers.add(name: "connection", value: "close") }
        headers.add(contentsOf: extra)
        return HTTPResponseHead(version: .http1_1, status: status, headers: headers)
    }
}
