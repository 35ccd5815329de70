import Foundation
import Hummingbird

/// Serves a service's OpenAPI document at `GET /openapi.yaml`.
public enum OpenAPIDocumentRoute {
    /// Registers the route serving `document` (the YAML text).
    public static func register(on routes: RouteTable, document: String) {
        let bytes = ByteBuffer(string: document)
        routes.get("/openapi.yaml") { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "application/yaml"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: bytes))
        }
    }
}
