import Hummingbird

/// An error answered the way Consul answers: a status code and a `text/plain` body.
///
/// The registry does not throw these through the kit's problem+json middleware: Consul clients
/// read the plain text, so routes turn them into responses themselves (``response``).
public struct ConsulError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The HTTP status (400, 404, 500).
    public var status: HTTPResponse.Status
    /// The plain-text body, Consul's wording.
    public var message: String

    /// Creates an error.
    public init(_ status: HTTPResponse.Status, _ message: String) {
        self.status = status
        self.message = message
    }

    public var description: String { "\(status.code) \(message)" }

    /// A 400 for a body that could not be decoded (`Request decode failed: …`).
    public static func decode(_ reason: String) -> ConsulError { .init(.badRequest, "Request decode failed: \(reason)") }

    /// The 404 for an unknown service ID.
    public static func unknownService(_ id: String) -> ConsulError {
        .init(.notFound, "Unknown service ID \"\(id)\". Ensure that the service ID is passed, not the service name.")
    }

    /// The 404 for an unknown check ID.
    public static func unknownCheck(_ id: String) -> ConsulError {
        .init(.notFound, "Unknown check ID \"\(id)\". Ensure that the check ID is passed, not the check name.")
    }

    /// The 500 for a `?dc=` naming a datacenter the registry cannot reach.
    public static let noPathToDatacenter = ConsulError(.internalServerError, "No path to datacenter")

    /// The error as a `text/plain` response.
    public var response: Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: message)))
    }
}
