import Foundation
import Hummingbird
import Synchronization

/// A response held in full, so it can be recorded for replay and sent as it was.
struct RecordedResponse: Sendable {
    var status: Int
    var contentType: String?
    var location: String?
    var cacheControl: String?
    var body: String

    /// The response to send.
    var response: Response {
        var headers = HTTPFields()
        if let contentType { headers[.contentType] = contentType }
        if let location { headers[.location] = location }
        if let cacheControl { headers[.cacheControl] = cacheControl }
        return Response(
            status: HTTPResponse.Status(code: status),
            headers: headers,
            body: .init(byteBuffer: ByteBuffer(string: body))
        )
    }

    /// Reads `response`'s body to the end. Bodies are JSON (UTF-8) in every service that records them.
    static func capture(_ response: Response) async throws -> RecordedResponse {
        let sink = CollectingBodyWriter.Sink()
        try await response.body.write(CollectingBodyWriter(sink: sink))
        return RecordedResponse(
            status: response.status.code,
            contentType: response.headers[.contentType],
            location: response.headers[.location],
            cacheControl: response.headers[.cacheControl],
            body: sink.text
        )
    }
}

/// A body writer that appends what it is given to a shared buffer.
private struct CollectingBodyWriter: ResponseBodyWriter {
    /// The bytes written so far.
    final class Sink: Sendable {
        private let buffer = Mutex(ByteBuffer())
        func append(_ part: ByteBuffer) {
            buffer.withLock { buffer in
                var part = part
                buffer.writeBuffer(&part)
            }
        }
        var text: String { buffer.withLock { String(buffer: $0) } }
    }

    let sink: Sink

    mutating func write(_ buffer: ByteBuffer) async throws { sink.append(buffer) }
    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
}
