/// rate-limiting on a plain request's bytes: a counter this gateway keeps (`policy: local`) and an identifier known
/// without reading the request (`limit_by` consumer, credential, ip or service). A request over a limit goes to the
/// usual phases, which answer the 429 (the limiter took back its count: it counts again there).
extension RateLimitingPlugin: WireAccessPlugin {
    var acceptsWireAccess: Bool {
        guard limiter.countsWithoutSuspending else { return false }
        switch configuration.limitBy {
        case .consumer, .credential, .ip, .service: return true
        case .header, .path: return false
        }
    }

    var countsRequests: Bool { true }

    func wireAccess(_ request: WireRequest, _ state: WireAccessState) -> WireAccess {
        let identifier = identifier(
            consumer: state.consumer,
            credential: state.credentialIdentifier,
            serviceName: request.serviceName,
            clientAddress: request.clientAddress
        ) { nil }
        let key = Self.counterKey(route: request.routeName, service: request.serviceName, identifier: identifier)
        guard let result = try? limiter.acquireWithoutSuspending(key: key, now: now()), result.isAllowed else { return .fallBack }
        if !configuration.hideClientHeaders {
            Self.forEachHeader(result) { name, value in state.responseFields.append(name, value) }
        }
        return .proceed
    }
}
