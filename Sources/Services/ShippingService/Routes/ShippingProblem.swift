import FlotillaCore
import Foundation
import Hummingbird

/// A problem document (RFC 9457) about a shipment, with the machine-readable `reason` a caller acts on.
///
/// The carrier's refusal is RETURNED as this response rather than thrown, so that the idempotency ledger
/// keeps and replays it.
struct ShippingProblem: Encodable, Sendable {
    var type: String
    var title: String
    var status: Int
    var detail: String
    var instance: String?
    var requestId: String?
    var field: String?
    var reason: String

    /// 422: the carrier does not deliver to the country (the test-only destination `XX`); nothing was scheduled.
    static func unsupportedDestination(_ country: String) -> Self {
        .init(
            type: ProblemDetails.typeBase + "unsupported-destination",
            title: "Unsupported Destination",
            status: 422,
            detail: "The carrier does not deliver to \(country); nothing was scheduled.",
            field: "address.country",
            reason: "unsupported_destination"
        )
    }

    /// The problem as an `application/problem+json` response for `path` and `requestId`.
    func response(path: String, requestId: String) -> Response {
        var document = self
        document.instance = path
        document.requestId = requestId
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(document)) ?? Data()
        var headers = HTTPFields()
        headers[.contentType] = ProblemDetails.mediaType
        return Response(status: .init(code: status), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
