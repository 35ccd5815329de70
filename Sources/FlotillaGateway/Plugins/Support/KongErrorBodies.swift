import HTTPTypes
import NIOCore

extension GatewayPluginResponse {
    /// Kong's body for errors keyed by field (jwt claim checks): `{"exp":"token expired"}`, keys sorted.
    static func kongFieldErrors(_ status: HTTPResponse.Status, _ errors: [String: String]) -> Self {
        let members = errors.keys.sorted().map { "\(jsonQuoted($0)):\(jsonQuoted(errors[$0]!))" }
        var fields = HTTPFields()
        fields[.contentType] = "application/json; charset=utf-8"
        return Self(status: status, headers: fields, body: ByteBuffer(string: "{\(members.joined(separator: ","))}"))
    }

    /// request-size-limiting's 413: what the proxy sends when a streamed body passes
    /// ``GatewayExchange/maximumBodyBytes``.
    public static var requestSizeLimitExceeded: Self {
        .kongError(.contentTooLarge, message: "Request size limit exceeded")
    }

    /// Kong's 500 for failures it does not explain to the client.
    static var unexpectedError: Self { .kongError(.internalServerError, message: "An unexpected error occurred") }
}
