import Foundation
import HTTPTypes
import NIOCore

/// Kong's `cors` plugin: answers preflight requests (`OPTIONS` with `Access-Control-Request-Method`) itself with
/// 200 and the `Access-Control-Allow-*` headers unless `preflight_continue`, and adds `Access-Control-Allow-Origin`,
/// `-Allow-Credentials` and `-Expose-Headers` to proxied responses.
struct CORSPlugin: SynchronousGatewayPlugin {
    let name = "cors"
    let priority = 2000
    let configuration: CORSPluginConfiguration

    static let allowOrigin = HTTPField.Name("Access-Control-Allow-Origin")!
    static let allowCredentials = HTTPField.Name("Access-Control-Allow-Credentials")!
    static let allowHeaders = HTTPField.Name("Access-Control-Allow-Headers")!
    static let allowMethods = HTTPField.Name("Access-Control-Allow-Methods")!
    static let maxAge = HTTPField.Name("Access-Control-Max-Age")!
    static let exposeHeaders = HTTPField.Name("Access-Control-Expose-Headers")!
    static let requestMethod = HTTPField.Name("Access-Control-Request-Method")!
    static let requestHeaders = HTTPField.Name("Access-Control-Request-Headers")!
    static let requestPrivateNetwork = HTTPField.Name("Access-Control-Request-Private-Network")!
    static let allowPrivateNetwork = HTTPField.Name("Access-Control-Allow-Private-Network")!

    static func isPreflight(_ request: HTTPRequest) -> Bool {
        request.method == .options && request.headerFields[requestMethod] != nil
    }

    func accessSynchronously(_ exchange: inout GatewayExchange) -> GatewayPluginResponse? {
        guard Self.isPreflight(exchange.request), !configuration.preflightContinue else { return nil }
        var headers = HTTPFields()
        originHeaders(exchange.request, into: &headers)
        if !configuration.headers.isEmpty {
            headers[Self.allowHeaders] = configuration.headers.joined(separator: ",")
        } else if let requested = exchange.request.headerFields[Self.requestHeaders] {
            headers[Self.allowHeaders] = requested
        }
        headers[Self.allowMethods] = configuration.methods.joined(separator: ",")
        if let maxAge = configuration.maxAge { headers[Self.maxAge] = String(maxAge) }
        if configuration.privateNetwork, exchange.request.headerFields[Self.requestPrivateNetwork] == "true" {
            headers[Self.allowPrivateNetwork] = "true"
        }
        headers[.contentLength] = "0"
        return GatewayPluginResponse(status: .ok, headers: headers, body: ByteBuffer())
    }

    func headerFilter(_ exchange: GatewayExchange, response: inout HTTPResponse) {
        if Self.isPreflight(exchange.request) && !configuration.preflightContinue { return }
        originHeaders(exchange.request, into: &response.headerFields)
        if !configuration.exposedHeaders.isEmpty {
            response.headerFields[Self.exposeHeaders] = configuration.exposedHeaders.joined(separator: ",")
        }
    }

    /// `Access-Control-Allow-Origin` (and `Vary: Origin`) and `Access-Control-Allow-Credentials`, as Kong sets them.
    private func originHeaders(_ request: HTTPRequest, into headers: inout HTTPFields) {
        let origin = request.headerFields[.origin]
        let allowAll = configuration.origins.isEmpty || (configuration.origins.count == 1 && configuration.origins[0] == "*")
        if allowAll {
            if configuration.credentials, let origin {
                headers[Self.allowOrigin] = origin
                addVaryOrigin(&headers)
            } else {
                headers[Self.allowOrigin] = "*"
            }
        } else {
            if let origin, configuration.allows(origin) { headers[Self.allowOrigin] = origin }
            addVaryOrigin(&headers)
        }
        if configuration.credentials && (headers[Self.allowOrigin] ?? "*") != "*" {
            headers[Self.allowCredentials] = "true"
        }
    }

    private func addVaryOrigin(_ headers: inout HTTPFields) {
        let existing = headers[values: .vary].flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() } }
        if !existing.contains("origin") { headers.append(HTTPField(name: .vary, value: "Origin")) }
    }
}
