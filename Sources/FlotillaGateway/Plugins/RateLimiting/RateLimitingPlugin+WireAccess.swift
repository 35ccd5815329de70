import FlotillaResilience

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
            consumerID: state.authentication?.consumer?.id,
            credential: state.authentication?.credential,
            serviceName: request.serviceName,
            clientAddress: request.clientAddress
        ) { nil }
        // The key is the same for each request of a client on a connection: made once, then compared.
        let (route, service) = (request.routeName, request.serviceName)
        let key = request.memo.counterKey(from: limiter, route: route, service: service, identifier: identifier) {
            Self.counterKey(route: route, service: service, identifier: identifier)
        }
        guard let result = try? limiter.acquireWithoutSuspending(key: key, now: now()), result.isAllowed else { return .fallBack }
        if !configuration.hideClientHeaders { appendFields(result, to: &state.responseFields) }
        return .proceed
    }

    /// The fields ``forEachHeader(_:_:)`` names, in its order, from names made once.
    private func appendFields(_ result: WindowRateLimitResult, to fields: inout WireResponseFields) {
        fields.append(Self.limitFieldName, result.decision.limit)
        fields.append(Self.remainingFieldName, result.decision.remaining)
        fields.append(Self.resetFieldName, result.decision.resetSeconds)
        for (index, usage) in result.windows.enumerated() {
            // A result has a window per limit, in the limiter's order; the names are made here for any other.
            if index < windowFieldNames.count, windowFieldNames[index].window == usage.window {
                fields.append(windowFieldNames[index].limit, usage.limit)
                fields.append(windowFieldNames[index].remaining, usage.remaining)
            } else if let names = Self.windowFields[usage.window] {
                fields.append(WireFieldName(names.limit), usage.limit)
                fields.append(WireFieldName(names.remaining), usage.remaining)
            }
        }
    }
}
