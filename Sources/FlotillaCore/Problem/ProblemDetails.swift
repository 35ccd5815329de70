/// An RFC 9457 problem document (`application/problem+json`).
///
/// `type` is a stable URI naming the kind of problem (clients switch on it), `title` a short
/// summary of that kind, `detail` what went wrong this time in words a person can act on.
/// Extra members such as the offending `field` are part of the document.
///
/// ```swift
/// throw ProblemDetails.badRequest("email is not a valid e-mail address", field: "email")
/// ```
public struct ProblemDetails: Error, Codable, Sendable, Equatable {
    /// The media type problem documents are served with.
    public static let mediaType = "application/problem+json"

    /// A URI reference that identifies the problem type.
    public var type: String
    /// A short, human-readable summary of the problem type.
    public var title: String
    /// The HTTP status code.
    public var status: Int
    /// An explanation specific to this occurrence.
    public var detail: String?
    /// The request path this occurrence belongs to.
    public var instance: String?
    /// The request field the problem is about, when there is one (a JSON key path such as `card.number`).
    public var field: String?
    /// The request id, so that a report can be matched with the logs.
    public var requestId: String?

    /// Creates a problem document.
    public init(
        type: String,
        title: String,
        status: Int,
        detail: String? = nil,
        instance: String? = nil,
        field: String? = nil,
        requestId: String? = nil
    ) {
        self.type = type
        self.title = title
        self.status = status
        self.detail = detail
        self.instance = instance
        self.field = field
        self.requestId = requestId
    }
}
