import FlotillaCore
import Foundation
import Hummingbird

/// A problem document (RFC 9457) about a charge, with the extension members a caller needs to act:
/// the machine-readable `reason` and, when the attempt was recorded, its `paymentId`.
///
/// Declines are RETURNED as this response rather than thrown, so that the idempotency ledger keeps and
/// replays them together with the declined payment they recorded.
struct PaymentProblem: Encodable, Sendable {
    var type: String
    var title: String
    var status: Int
    var detail: String
    var instance: String?
    var requestId: String?
    var reason: String
    var paymentId: String?

    /// 402: the card was refused (`card_declined`, `insufficient_funds`); the declined payment was recorded.
    static func declined(reason: String, paymentId: String) -> Self {
        let detail =
            reason == "insufficient_funds"
            ? "The card has insufficient funds; nothing was charged." : "The card was declined; nothing was charged."
        return .init(
            type: ProblemDetails.typeBase + reason.replacingOccurrences(of: "_", with: "-"),
            title: "Payment Required",
            status: 402,
            detail: detail,
            reason: reason,
            paymentId: paymentId
        )
    }

    /// 500: the (simulated) processor failed; nothing was recorded and the caller may retry.
    static func processingError() -> Self {
        .init(
            type: ProblemDetails.typeBase + "processing-error",
            title: "Processing Error",
            status: 500,
            detail: "The card processor failed; nothing was charged or recorded. Retry later.",
            reason: "processing_error"
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

/// Thrown inside the idempotent work when the processor fails, so the transaction records nothing.
struct ProcessingFailure: Error {}
