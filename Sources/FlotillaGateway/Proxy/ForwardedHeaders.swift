import NIOHTTP1

/// Builds the request head sent upstream: hop-by-hop headers removed, Host rewritten unless preserve_host,
/// X-Forwarded-For/-Proto/-Host/-Port and X-Request-ID set; traceparent and everything else passed through.
enum ForwardedHeaders {
    static func upstreamHead(
        _ head: HTTPRequestHead,
        uri: String,
        hostHeader: String?,
        clientAddress: String,
        localPort: String,
        requestIDs: RequestIDGenerator,
        upgrade: String? = nil,
        requestID: inout String?
    ) -> HTTPRequestHead {
        var headers = HTTPHeaders()
        headers.reserveCapacity(head.headers.count + 6)
        var originalHost: String?
        var forwardedFor: String?
        var connectionTokens: [Substring] = []
        for (name, value) in head.headers where name.utf8.count == 10 && equalsIgnoringCase(name, "connection") {
            connectionTokens += value.split(separator: ",").map { $0.trimmingSpaces }
        }
        for (name, value) in head.headers {
            switch name.utf8.count {
            case 4 where equalsIgnoringCase(name, "host"):
                originalHost = value
                continue
            case 15 where equalsIgnoringCase(name, "x-forwarded-for"):
                forwardedFor = forwardedFor.map { "\($0), \(value)" } ?? value
                continue
            case 12 where equalsIgnoringCase(name, "x-request-id"):
                requestID = value
            case 17 where equalsIgnoringCase(name, "x-forwarded-proto"), 16 where equalsIgnoringCase(name, "x-forwarded-host"),
                16 where equalsIgnoringCase(name, "x-forwarded-port"), 6 where equalsIgnoringCase(name, "expect"):
                continue
            default:
                if isHopByHop(name) { continue }
                if !connectionTokens.isEmpty, connectionTokens.contains(where: { equalsIgnoringCase(name, $0) }) { continue }
            }
            headers.add(name: name, value: value)
        }
        headers.add(name: "host", value: hostHeader ?? originalHost ?? "")
        headers.add(name: "x-forwarded-for", value: forwardedFor.map { "\($0), \(clientAddress)" } ?? clientAddress)
        headers.add(name: "x-forwarded-proto", value: "http")
        if let originalHost {
            let hostOnly = originalHost.split(separator: ":", maxSplits: 1).first.map(String.init) ?? originalHost
            headers.add(name: "x-forwarded-host", value: hostOnly)
        }
        headers.add(name: "x-forwarded-port", value: localPort)
        if requestID == nil {
            let generated = requestIDs.make()
            requestID = generated
            headers.add(name: "x-request-id", value: generated)
        }
        if let upgrade {
            // An Upgrade (WebSocket) is offered hop by hop: the gateway offers it again to the upstream.
            headers.add(name: "connection", value: "upgrade")
            headers.add(name: "upgrade", value: upgrade)
        }
        return HTTPRequestHead(version: .http1_1, method: head.method, uri: uri, headers: headers)
    }

    /// The protocol a request asks to upgrade to (`Upgrade: websocket` with `upgrade` among the Connection
    /// tokens), nil for an ordinary request.
    static func requestedUpgrade(_ headers: HTTPHeaders) -> String? {
        guard let upgrade = headers.first(name: "upgrade"), !upgrade.isEmpty else { return nil }
        for value in headers[canonicalForm: "connection"] where equalsIgnoringCase(value, "upgrade") { return upgrade }
        return nil
    }

    /// Response headers going downstream, without hop-by-hop headers.
    static func downstreamHeaders(_ headers: HTTPHeaders) -> HTTPHeaders {
        var needsFilter = false
        for (name, _) in headers where isHopByHop(name) {
            needsFilter = true
            break
        }
        guard needsFilter else { return headers }
        var filtered = HTTPHeaders()
        filtered.reserveCapacity(headers.count)
        for (name, value) in headers where !isHopByHop(name) { filtered.add(name: name, value: value) }
        return filtered
    }

    static func isHopByHop(_ name: String) -> Bool {
        switch name.utf8.count {
        case 2: return equalsIgnoringCase(name, "te")
        case 7: return equalsIgnoringCase(name, "upgrade") || equalsIgnoringCase(name, "trailer")
        case 10: return equalsIgnoringCase(name, "connection") || equalsIgnoringCase(name, "keep-alive")
        case 16: return equalsIgnoringCase(name, "proxy-connection")
        default: return false
        }
    }

    /// ASCII case-insensitive comparison without allocating; `lowercase` must be lowercase.
    static func equalsIgnoringCase(_ name: some StringProtocol, _ lowercase: some StringProtocol) -> Bool {
        var left = name.utf8.makeIterator()
        var right = lowercase.utf8.makeIterator()
        while true {
            let a = left.next()
            let b = right.next()
            guard let a, let b else { return a == nil && b == nil }
            let folded = (a >= 65 && a <= 90) ? a + 32 : a
            let otherFolded = (b >= 65 && b <= 90) ? b + 32 : b
            if folded != otherFolded { return false }
        }
    }
}

extension Substring {
    var trimmingSpaces: Substring {
        var text = self
        while text.first == " " || text.first == "\t" { text = text.dropFirst() }
        while text.last == " " || text.last == "\t" { text = text.dropLast() }
        return text
    }
}
