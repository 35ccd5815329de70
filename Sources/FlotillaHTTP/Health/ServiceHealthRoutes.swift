import FlotillaCore
import Foundation
import Hummingbird

/// `GET /health/live`, `GET /health/ready` and `GET /metrics`, which every service serves.
public enum ServiceHealthRoutes {
    /// Registers the three routes.
    public static func register(on routes: RouteTable, readiness: Readiness, service: String) {
        // Probed often: the body is encoded once.
        let live = jsonResponse(["status": "live", "service": service], status: .ok)
        routes.get("/health/live") { _, _ in live }
        routes.get("/health/ready") { _, _ in
            let report = await readiness.evaluate()
            let body = (try? JSONEncoder().encode(report)) ?? Data()
            var headers = HTTPFields()
            headers[.contentType] = "application/json"
            headers[.cacheControl] = "no-store"
            return Response(status: report.ready ? .ok : .serviceUnavailable, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
        }
        routes.get("/metrics") { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = MetricsBootstrap.contentType
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: MetricsBootstrap.render())))
        }
    }

    private static func jsonResponse(_ object: [String: String], status: HTTPResponse.Status) -> Response {
        let body = (try? JSONEncoder().encode(object)) ?? Data()
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}
