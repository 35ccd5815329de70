import Dispatch
import FlotillaCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Tracing

/// The outer middleware of every service: request id, body limit, problem documents, one log
/// line and the RED metrics per request.
///
/// - `X-Request-ID` is kept when sane, generated otherwise, put in the task's `ServiceContext`
///   (so outgoing calls carry it) and echoed on the response.
/// - A `Content-Length` over the limit is refused with 413 before the body is read.
/// - Any error becomes an `application/problem+json` response (see ``ProblemMapping``).
/// - Each request is logged once with `request_id`, `trace_id`, method, route, status, duration.
public struct RequestObservingMiddleware: RouterMiddleware {
    public typealias Context = ServiceRequestContext

    private let metrics: HTTPServerMetrics
    private let bodyLimit: Int
    private let readiness: Readiness

    /// Creates the middleware for a service.
    public init(metrics: HTTPServerMetrics, bodyLimit: Int, readiness: Readiness) {
        self.metrics = metrics
        self.bodyLimit = bodyLimit
        self.readiness = readiness
    }

    public func handle(
        _ request: Request,
        context: ServiceRequestContext,
        next: (Request, ServiceRequestContext) async throws -> Response
    ) async throws -> Response {
        let start = DispatchTime.now().uptimeNanoseconds
        var context = context
        let requestID = RequestID.accept(request.headers[.xRequestID])
        context.requestID = requestID
        context.bodyLimit = bodyLimit
        context.logger[metadataKey: "request_id"] = .string(requestID)

        var response: Response
        do {
            response = try await handleChecked(request, context: context, next: next)
        } catch {
            let (problem, isFault) = ProblemMapping.problem(for: error, method: request.method, path: request.uri.path)
            var document = problem
            document.instance = request.uri.path
            document.requestId = requestID
            if isFault {
                context.logger.error("request failed", metadata: ["error": .string(String(reflecting: error))])
            }
            response = document.response()
            let extraHeaders = (error as? HTTPError)?.headers ?? (error as? HTTPErrorWithProblem)?.headers ?? [:]
            for field in extraHeaders where field.name != .contentType && field.name != .contentLength {
                response.headers.append(field)
            }
        }
        response.headers[.xRequestID] = requestID

        let route = context.endpointPath.map { $0 == "NotFound" ? "unmatched" : $0 } ?? "unmatched"
        let elapsed = DispatchTime.now().uptimeNanoseconds &- start
        let status = Int(response.status.code)
        metrics.record(method: request.method, route: route, status: status, nanoseconds: elapsed)
        context.logger.info(
            "request",
            metadata: [
                "method": .string(request.method.rawValue),
                "route": .string(route),
                "path": .string(request.uri.path),
                "status": .stringConvertible(status),
                "duration_ms": .string(Self.milliseconds(elapsed)),
            ]
        )
        return response
    }

    /// `1234567` ns → `"1.234"`, without a formatter.
    static func milliseconds(_ nanoseconds: UInt64) -> String {
        let micros = nanoseconds / 1000
        let fraction = String(micros % 1000)
        return "\(micros / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }

    private func handleChecked(
        _ request: Request,
        context: ServiceRequestContext,
        next: (Request, ServiceRequestContext) async throws -> Response
    ) async throws -> Response {
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > bodyLimit {
            throw ProblemDetails.contentTooLarge(limit: bodyLimit)
        }
        if !readiness.hasStarted, !request.uri.path.hasPrefix("/health/"), request.uri.path != "/metrics" {
            throw ProblemDetails.unavailable("The service is starting; retry shortly.")
        }
        var serviceContext = ServiceContext.current ?? .topLevel
        serviceContext.requestID = context.requestID
        return try await ServiceContext.$current.withValue(serviceContext) {
            try await next(request, context)
        }
    }
}
