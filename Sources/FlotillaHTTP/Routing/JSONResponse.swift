import Foundation
import Hummingbird

/// JSON responses with a chosen status (Hummingbird's `EditedResponse` alternative with stable key order).
public enum JSONResponse {
    /// Encodes `value` as `application/json` with `status`; `cacheable: false` adds `Cache-Control: no-store`.
    public static func make(_ value: some Encodable, status: HTTPResponse.Status, cacheable: Bool = true) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(value)
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        if !cacheable { headers[.cacheControl] = "no-store" }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
