import FlotillaCore
import Foundation
import Hummingbird

extension ProblemDetails {
    /// The problem as an `application/problem+json` response.
    public func response() -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(self)) ?? Data("{\"title\":\"Internal Server Error\",\"status\":500}".utf8)
        var headers = HTTPFields()
        headers[.contentType] = ProblemDetails.mediaType
        headers[.contentLength] = String(data.count)
        return Response(status: .init(code: status), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
