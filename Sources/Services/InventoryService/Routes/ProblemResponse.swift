import FlotillaCore
import FlotillaHTTP
import Foundation
import Hummingbird

/// A problem document with extension members (RFC 9457 §3.2), such as the `shortSkus` of a refused reservation.
struct ExtendedProblem<Extensions: Encodable & Sendable>: Encodable, Sendable {
    var problem: ProblemDetails
    var extensions: Extensions

    func encode(to encoder: any Encoder) throws {
        // Both write into the same JSON object.
        try problem.encode(to: encoder)
        try extensions.encode(to: encoder)
    }

    /// The problem as an `application/problem+json` response, stamped with the request's path and id.
    func response(for request: Request, context: ServiceRequestContext) throws -> Response {
        var stamped = self
        stamped.problem.instance = request.uri.path
        stamped.problem.requestId = context.requestID
        var response = try JSONResponse.make(stamped, status: .init(code: problem.status), cacheable: false)
        response.headers[.contentType] = ProblemDetails.mediaType
        return response
    }
}

extension ProblemDetails {
    /// The problem as a response (rather than thrown), stamped with the request's path and id.
    func response(for request: Request, context: ServiceRequestContext) -> Response {
        var stamped = self
        stamped.instance = request.uri.path
        stamped.requestId = context.requestID
        return stamped.response()
    }

    /// A problem of a type specific to inventory-service.
    static func inventory(_ slug: String, title: String, status: Int, detail: String, field: String? = nil) -> ProblemDetails {
        ProblemDetails(type: typeBase + slug, title: title, status: status, detail: detail, field: field)
    }
}
