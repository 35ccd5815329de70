extension ProblemDetails {
    /// The prefix of every problem `type` Flotilla defines.
    public static let typeBase = "https://flotilla.dev/problems/"

    /// 400: the request is malformed or a field is invalid.
    public static func badRequest(_ detail: String, field: String? = nil) -> Self {
        .init(type: typeBase + "bad-request", title: "Bad Request", status: 400, detail: detail, field: field)
    }

    /// 400: a field failed validation.
    public static func invalidField(_ field: String, _ detail: String) -> Self {
        .init(type: typeBase + "invalid-field", title: "Invalid Field", status: 400, detail: detail, field: field)
    }

    /// 401: no credentials, or credentials that do not verify.
    public static func unauthorized(_ detail: String) -> Self {
        .init(type: typeBase + "unauthorized", title: "Unauthorized", status: 401, detail: detail)
    }

    /// 403: valid credentials that do not allow this.
    public static func forbidden(_ detail: String) -> Self {
        .init(type: typeBase + "forbidden", title: "Forbidden", status: 403, detail: detail)
    }

    /// 404: nothing is there.
    public static func notFound(_ detail: String) -> Self {
        .init(type: typeBase + "not-found", title: "Not Found", status: 404, detail: detail)
    }

    /// 409: the request conflicts with the current state (a duplicate, say).
    public static func conflict(_ detail: String, field: String? = nil) -> Self {
        .init(type: typeBase + "conflict", title: "Conflict", status: 409, detail: detail, field: field)
    }

    /// 413: the request body is larger than the service accepts.
    public static func contentTooLarge(limit: Int) -> Self {
        .init(
            type: typeBase + "content-too-large",
            title: "Content Too Large",
            status: 413,
            detail: "The request body is larger than the limit of \(limit) bytes."
        )
    }

    /// 415: the body is not in a media type the route accepts.
    public static func unsupportedMediaType(_ detail: String) -> Self {
        .init(type: typeBase + "unsupported-media-type", title: "Unsupported Media Type", status: 415, detail: detail)
    }

    /// 503: the service cannot answer now (not ready, shutting down, a dependency down).
    public static func unavailable(_ detail: String) -> Self {
        .init(type: typeBase + "unavailable", title: "Service Unavailable", status: 503, detail: detail)
    }

    /// 500: a fault of the service; the detail never leaks internals.
    public static func internalError(requestId: String?) -> Self {
        .init(
            type: typeBase + "internal",
            title: "Internal Server Error",
            status: 500,
            detail: "The service failed to handle the request; quote the request id when reporting it.",
            requestId: requestId
        )
    }

    /// A generic problem for a status with no more specific type.
    public static func status(_ code: Int, title: String, detail: String?) -> Self {
        let slug = title.lowercased().split(separator: " ").joined(separator: "-")
        return .init(type: typeBase + (slug.isEmpty ? "http-\(code)" : slug), title: title, status: code, detail: detail)
    }
}
