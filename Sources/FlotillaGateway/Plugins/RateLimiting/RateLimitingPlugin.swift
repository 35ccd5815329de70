import FlotillaResilience
import HTTPTypes

/// Kong's `rate-limiting` plugin: counts requests per identifier (consumer, credential, IP, service, header value
/// or path) in calendar windows, answers `error_code` (429) with `{"message":"API rate limit exceeded"}` and
/// `Retry-After` once a window is full, and sends `RateLimit-Limit/Remaining/Reset` and
/// `X-RateLimit-Limit-<Window>`/`X-RateLimit-Remaining-<Window>` unless `hide_client_headers`.
struct RateLimitingPlugin: GatewayPlugin {
    let name = "rate-limiting"
    let priority = 910
    let filtersHeaders = false
    let configuration: RateLimitingPluginConfiguration
    let limiter: WindowRateLimiter
    /// The wall clock (tests move it).
    let now: @Sendable () -> UnixTime
    private let headerField: HTTPField.Name?

    init(
        configuration: RateLimitingPluginConfiguration,
        store: any RateLimitCounterStore,
        now: @escaping @Sendable () -> UnixTime = { .now() }
    ) {
        self.configuration = configuration
        self.limiter = WindowRateLimiter(limits: configuration.limits, algorithm: .fixed, store: store)
        self.now = now
        self.headerField = configuration.headerName.flatMap(HTTPFieldNames.make)
    }

    private static let limitField = HTTPField.Name("RateLimit-Limit")!
    private static let remainingField = HTTPField.Name("RateLimit-Remaining")!
    private static let resetField = HTTPField.Name("RateLimit-Reset")!
    /// `X-RateLimit-Limit-<Window>` and `X-RateLimit-Remaining-<Window>`, parsed once.
    private static let windowFields: [RateLimitWindow: (limit: HTTPField.Name, remaining: HTTPField.Name)] = Dictionary(
        uniqueKeysWithValues: RateLimitWindow.allCases.compactMap { window in
            guard let limit = HTTPField.Name("X-RateLimit-Limit-\(window.headerSuffix)"),
                let remaining = HTTPField.Name("X-RateLimit-Remaining-\(window.headerSuffix)")
            else { return nil }
            return (window, (limit, remaining))
        }
    )

    /// The counter key of this request: route and service (as Kong scopes them) and the identifier.
    func counterKey(_ exchange: GatewayExchange) -> String {
        "\(exchange.routeName ?? ""):\(exchange.serviceName ?? ""):\(identifier(exchange))"
    }

    func identifier(_ exchange: GatewayExchange) -> String {
        switch configuration.limitBy {
        case .consumer:
            if let id = exchange.consumer?.id { return id }
            if let credential = exchange.credentialIdentifier { return credential }
        case .credential:
            if let credential = exchange.credentialIdentifier { return credential }
        case .service:
            if let service = exchange.serviceName { return service }
        case .header:
            if let field = headerField, let value = exchange.request.headerFields[field] { return value }
        case .path:
            if let path = configuration.path, RequestTarget(exchange.request.path).path == path { return path }
        case .ip:
            break
        }
        return exchange.clientAddress
    }

    func accessWithoutSuspending(_ exchange: inout GatewayExchange) -> ImmediateAccess {
        let result: WindowRateLimitResult
        do {
            guard let counted = try limiter.acquireWithoutSuspending(key: counterKey(exchange), now: now()) else { return .suspend }
            result = counted
        } catch {
            return configuration.faultTolerant ? .proceed : .respond(.unexpectedError)
        }
        return apply(result, &exchange).map(ImmediateAccess.respond) ?? .proceed
    }

    func access(_ exchange: inout GatewayExchange) async -> GatewayPluginResponse? {
        let result: WindowRateLimitResult
        do {
            result = try await limiter.acquire(key: counterKey(exchange), now: now())
        } catch {
            return configuration.faultTolerant ? nil : .unexpectedError
        }
        return apply(result, &exchange)
    }

    /// `RateLimit-*` and `X-RateLimit-*-<Window>` for `result`.
    private static func appendHeaders(_ result: WindowRateLimitResult, to headers: inout HTTPFields) {
        headers.reserveCapacity(headers.count + 3 + 2 * result.windows.count)
        headers.append(HTTPField(name: limitField, value: String(result.decision.limit)))
        headers.append(HTTPField(name: remainingField, value: String(result.decision.remaining)))
        headers.append(HTTPField(name: resetField, value: String(result.decision.resetSeconds)))
        for usage in result.windows {
            guard let names = windowFields[usage.window] else { continue }
            headers.append(HTTPField(name: names.limit, value: String(usage.limit)))
            headers.append(HTTPField(name: names.remaining, value: String(usage.remaining)))
        }
    }

    /// The headers for an allowed request, or the 429 for a refused one.
    private func apply(_ result: WindowRateLimitResult, _ exchange: inout GatewayExchange) -> GatewayPluginResponse? {
        if result.isAllowed {
            // Straight onto the exchange's response headers, field by field (no intermediate HTTPFields).
            if !configuration.hideClientHeaders { Self.appendHeaders(result, to: &exchange.responseHeaders) }
            return nil
        }
        var headers = HTTPFields()
        if !configuration.hideClientHeaders { Self.appendHeaders(result, to: &headers) }
        headers[.retryAfter] = String(result.decision.retryAfterSeconds ?? result.decision.resetSeconds)
        return .kongError(HTTPResponse.Status(code: configuration.errorCode), message: configuration.errorMessage, headers: headers)
    }
}
