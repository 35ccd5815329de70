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
    /// The `X-RateLimit-*` names of each limit, in the limiter's order (the order of a result's windows), for the
    /// access phase on bytes.
    let windowFieldNames: [(window: RateLimitWindow, limit: WireFieldName, remaining: WireFieldName)]

    init(
        configuration: RateLimitingPluginConfiguration,
        store: any RateLimitCounterStore,
        now: @escaping @Sendable () -> UnixTime = { .now() }
    ) {
        self.configuration = configuration
        self.limiter = WindowRateLimiter(limits: configuration.limits, algorithm: .fixed, store: store)
        self.now = now
        self.headerField = configuration.headerName.flatMap(HTTPFieldNames.make)
        self.windowFieldNames = limiter.limits.compactMap { limit in
            Self.windowFields[limit.window].map { (limit.window, WireFieldName($0.limit), WireFieldName($0.remaining)) }
        }
    }

    static let limitFieldName = WireFieldName(limitField)
    static let remainingFieldName = WireFieldName(remainingField)
    static let resetFieldName = WireFieldName(resetField)

    private static let limitField = HTTPField.Name("RateLimit-Limit")!
    private static let remainingField = HTTPField.Name("RateLimit-Remaining")!
    private static let resetField = HTTPField.Name("RateLimit-Reset")!
    /// `X-RateLimit-Limit-<Window>` and `X-RateLimit-Remaining-<Window>`, parsed once.
    static let windowFields: [RateLimitWindow: (limit: HTTPField.Name, remaining: HTTPField.Name)] = Dictionary(
        uniqueKeysWithValues: RateLimitWindow.allCases.compactMap { window in
            guard let limit = HTTPField.Name("X-RateLimit-Limit-\(window.headerSuffix)"),
                let remaining = HTTPField.Name("X-RateLimit-Remaining-\(window.headerSuffix)")
            else { return nil }
            return (window, (limit, remaining))
        }
    )

    /// The counter key of this request: route and service (as Kong scopes them) and the identifier.
    func counterKey(_ exchange: GatewayExchange) -> String {
        Self.counterKey(route: exchange.routeName, service: exchange.serviceName, identifier: identifier(exchange))
    }

    static func counterKey(route: String?, service: String?, identifier: String) -> String {
        "\(route ?? ""):\(service ?? ""):\(identifier)"
    }

    func identifier(_ exchange: GatewayExchange) -> String {
        identifier(
            consumerID: exchange.consumer?.id,
            credential: exchange.credentialIdentifier,
            serviceName: exchange.serviceName,
            clientAddress: exchange.clientAddress
        ) {
            switch configuration.limitBy {
            case .header: headerField.flatMap { exchange.request.headerFields[$0] }
            case .path: configuration.path.flatMap { RequestTarget(exchange.request.path).path == $0 ? $0 : nil }
            default: nil
            }
        }
    }

    /// The identifier `limit_by` names; `requestValue` gives the header's value or the path for `header` and `path`.
    /// The client's address when there is none.
    func identifier(
        consumerID: String?,
        credential: String?,
        serviceName: String?,
        clientAddress: String,
        requestValue: () -> String?
    ) -> String {
        switch configuration.limitBy {
        case .consumer:
            if let consumerID { return consumerID }
            if let credential { return credential }
        case .credential:
            if let credential { return credential }
        case .service:
            if let serviceName { return serviceName }
        case .header, .path:
            if let value = requestValue() { return value }
        case .ip:
            break
        }
        return clientAddress
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

    /// `RateLimit-*` and `X-RateLimit-*-<Window>` for `result`, in order.
    static func forEachHeader(_ result: WindowRateLimitResult, _ body: (HTTPField.Name, Int) -> Void) {
        body(limitField, result.decision.limit)
        body(remainingField, result.decision.remaining)
        body(resetField, result.decision.resetSeconds)
        for usage in result.windows {
            guard let names = windowFields[usage.window] else { continue }
            body(names.limit, usage.limit)
            body(names.remaining, usage.remaining)
        }
    }

    private static func appendHeaders(_ result: WindowRateLimitResult, to headers: inout HTTPFields) {
        headers.reserveCapacity(headers.count + 3 + 2 * result.windows.count)
        forEachHeader(result) { name, value in headers.append(HTTPField(name: name, value: String(value))) }
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
