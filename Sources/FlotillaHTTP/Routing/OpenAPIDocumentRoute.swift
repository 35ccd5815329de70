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

    /// The `openapi.yaml` a service keeps in its resources (`bundle` is the service target's `Bundle.module`),
    /// or a minimal document naming `service` if the resource is missing.
    public static func bundled(in bundle: Bundle, service: String) -> String {
        guard let url = bundle.url(forResource: "openapi", withExtension: "yaml"),
            let text = try? String(contentsOf: url, encoding: .utf8)
        else { return "openapi: 3.1.0\ninfo: {title: \(service), version: '1'}\npaths: {}\n" }
        return text
    }
}
