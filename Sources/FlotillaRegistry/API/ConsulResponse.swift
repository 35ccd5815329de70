import FlotillaHTTP
import Foundation
import HTTPTypes
import Hummingbird

/// Builds the registry's responses: JSON bodies and the `X-Consul-*` headers of blocking reads.
enum ConsulResponse {
    static let index = HTTPField.Name("X-Consul-Index")!
    static let knownLeader = HTTPField.Name("X-Consul-KnownLeader")!
    static let lastContact = HTTPField.Name("X-Consul-LastContact")!

    /// A 200 with `value` as JSON; with `index`, the blocking-query headers.
    static func json(_ value: some Encodable, index: UInt64? = nil) -> Response {
        json(encoded: encoded(value), index: index)
    }

    /// `value` encoded as JSON.
    static func encoded(_ value: some Encodable) -> ByteBuffer {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        return ByteBuffer(bytes: (try? encoder.encode(value)) ?? Data("null".utf8))
    }

    /// A 200 with an already encoded JSON body (no copy) and the blocking-query headers.
    static func json(encoded body: ByteBuffer, index: UInt64?) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        addIndexHeaders(&headers, index: index)
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: body))
    }

    /// A response with `data` as its body.
    static func bytes(_ data: some Sequence<UInt8>, status: HTTPResponse.Status = .ok, contentType: String, index: UInt64? = nil) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = contentType
        addIndexHeaders(&headers, index: index)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// An empty 200 (what Consul's write endpoints answer).
    static func empty() -> Response {
        Response(status: .ok, headers: [:], body: .init())
    }

    /// A 404 with an empty body and the blocking-query headers (a missing key).
    static func notFound(index: UInt64) -> Response {
        var headers = HTTPFields()
        addIndexHeaders(&headers, index: index)
        return Response(status: .notFound, headers: headers, body: .init())
    }

    private static func addIndexHeaders(_ headers: inout HTTPFields, index: UInt64?) {
        guard let index else { return }
        headers[Self.index] = String(max(index, 1))
        headers[knownLeader] = "true"
        headers[lastContact] = "0"
    }

    /// Runs a route body, answering a ``ConsulError`` as Consul does (plain text).
    static func guarded(_ body: () async throws -> Response) async throws -> Response {
        do {
            return try await body()
        } catch let error as ConsulError {
            return error.response
        }
    }

    /// A path parameter, percent-decoded as Go decodes `URL.Path` (`service%3Aweb-1` is `service:web-1`).
    static func parameter(_ name: String, in context: ServiceRequestContext) throws -> String {
        let raw = try context.parameters.require(name)
        return raw.removingPercentEncoding ?? raw
    }

    /// Reads a boolean query parameter; a bare `?name` is true, a bad spelling is a 400.
    static func flag(_ name: String, in request: Request) throws(ConsulError) -> Bool {
        guard let value = request.uri.queryParameters[name[...]] else { return false }
        guard let flag = ConsulBool.parse(value) else { throw ConsulError(.badRequest, "Invalid value for ?\(name)") }
        return flag
    }
}
