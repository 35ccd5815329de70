import HTTPTypes
import NIOHTTP1

/// Converts between NIOHTTP1's heads (the data plane) and HTTPTypes (the plugins' view).
enum HTTPTypesBridge {
    static func request(_ head: HTTPRequestHead, authority: String?) -> HTTPRequest {
        request(method: head.method.rawValue, uri: head.uri, headers: head.headers, authority: authority)
    }

    static func request(method: String, uri: String, headers: HTTPHeaders, authority: String?) -> HTTPRequest {
        request(method: method, uri: uri, fields: fields(headers), authority: authority)
    }

    static func request(method: String, uri: String, fields: HTTPFields, authority: String?) -> HTTPRequest {
        HTTPRequest(method: HTTPRequest.Method(method) ?? .get, scheme: "http", authority: authority, path: uri, headerFields: fields)
    }

    static func fields(_ headers: HTTPHeaders) -> HTTPFields {
        var fields = HTTPFields()
        fields.reserveCapacity(headers.count)
        for (name, value) in headers {
            if let fieldName = HTTPField.Name(name) { fields.append(HTTPField(name: fieldName, value: value)) }
        }
        return fields
    }

    static func headers(_ fields: HTTPFields) -> HTTPHeaders {
        var headers = HTTPHeaders()
        headers.reserveCapacity(fields.count)
        for field in fields { headers.add(name: field.name.rawName, value: field.value) }
        return headers
    }

    static func response(_ head: HTTPResponseHead) -> HTTPResponse {
        HTTPResponse(status: HTTPResponse.Status(code: Int(head.status.code)), headerFields: fields(head.headers))
    }
}
