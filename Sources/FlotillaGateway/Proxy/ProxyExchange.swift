import HTTPTypes
import NIOCore
import NIOHTTP1

/// One request on its way through the proxy: picks an endpoint, borrows a pooled connection on the same event loop,
/// streams the request body up and the response down with backpressure, retries when it safely can, and returns
/// the connection to the pool. Lives on one event loop; never hops threads.
final class ProxyExchange {
    private let downstream: DownstreamHandler
    private let loop: LoopContext
    let target: ProxyTarget
    private let requestHead: HTTPRequestHead
    /// The request head for the upstream, as bytes; written when first sent, unless plugins set it before.
    private var upstreamRequest: ByteBuffer?
    /// The client's body is chunked (llhttp decoded it; it is chunk-framed again on the way up).
    private let chunkedRequest: Bool
    private let idempotent: Bool
    /// What consistent hashing hashes (nil for other balancers).
    private let hashKey: (() -> String?)?
    let startedAt: NIODeadline

    private var bufferedBody: [ByteBuffer] = []
    private var bufferedBytes = 0
    /// The body is kept (up to `retainLimit`) so a retry can resend it.
    private var bodyRetained = true
    private static let retainLimit = 64 * 1024
    private(set) var requestEnded = false
    private var connection: UpstreamConnection?
    /// A kept-alive connection turned out closed: the next attempt does not take an idle one.
    private var needsNewConnection = false
    private var endpoint: Int?
    private var attempt = 0
    private(set) var responseStarted = false
    private var finished = false
    /// When the current attempt times out (checked by the loop's ``LoopDeadlines`` tick).
    private var deadline: NIODeadline?
    private var holdsBudget = false
    private(set) var status = 0
    /// When the request last went upstream, and from then to the response head (Kong's `latencies.proxy`).
    private var sentAt: NIODeadline?
    private(set) var upstreamLatency: Duration?
    private var upstreamKeepAlive = true
    let requestID: String
    /// The protocol the client asked to upgrade to (WebSocket), offered to the upstream as well.
    let upgrade: String?
    private let clientAddress: String
    private let localPort: String

    init(
        downstream: DownstreamHandler,
        loop: LoopContext,
        target: ProxyTarget,
        head: HTTPRequestHead,
        clientAddress: String,
        localPort: String,
        hashKey: (() -> String?)?
    ) {
        self.downstream = downstream
        self.loop = loop
        self.target = target
        self.requestHead = head
        self.upgrade = ForwardedHeaders.requestedUpgrade(head.headers)
        self.requestID = ForwardedHeaders.requestID(head.headers, generator: loop.requestIDs)
        self.chunkedRequest = head.headers.contains(name: "transfer-encoding")
        self.clientAddress = clientAddress
        self.localPort = localPort
        switch head.method {
        case .GET, .HEAD, .OPTIONS, .PUT, .DELETE, .TRACE: self.idempotent = true
        default: self.idempotent = false
        }
        self.hashKey = hashKey
        self.startedAt = .now()
    }

    /// The request headers as the plugins left them (hop-by-hop rules still apply when the head is written).
    func replaceRequestHeaders(_ fields: HTTPFields) {
        upstreamRequest = makeUpstreamRequest(fields: fields)
    }

    private func makeUpstreamRequest(fields: some RequestFieldList) -> ByteBuffer {
        ForwardedHeaders.upstreamRequest(
            method: requestHead.method.rawValue,
            fields: fields,
            uri: target.upstreamURI,
            hostHeader: target.hostHeader,
            clientAddress: clientAddress,
            localPort: localPort,
            requestID: requestID,
            upgrade: upgrade,
            allocator: loop.allocator
        )
    }

    // MARK: Starting

    func start() {
        guard let budget = target.cluster.budget else {
            connect()
            return
        }
        let bound = NIOLoopBound(self, eventLoop: loop.eventLoop)
        switch budget.acquire(on: loop.eventLoop, resume: { bound.value.budgetGranted() }) {
        case .granted:
            holdsBudget = true
            connect()
        case .queued:
            downstream.pauseReads()
        case .rejected:
            fail(.serviceUnavailable, GatewayErrorResponse.overflow)
        }
    }

    private func budgetGranted() {
        holdsBudget = true
        guard !finished else {
            releaseBudget()
            return
        }
        downstream.resumeReads()
        connect()
    }

    private func connect() {
        guard !finished else { return }
        let previous = endpoint
        guard
            let picked = loop.balancer.pick(
                target.cluster,
                target.endpoints,
                hashKey: { [hashKey] in hashKey?() },
                excluding: attempt > 0 && target.endpoints.members.count > 1 ? previous : nil
            )
        else {
            fail(.serviceUnavailable, GatewayErrorResponse.noPeer)
            return
        }
        endpoint = picked
        loop.balancer.started(target.cluster, endpoint: picked)
        let address = target.cluster.endpoints[picked]
        let thisAttempt = attempt
        let key = target.cluster.poolKeys[picked]
        if !needsNewConnection, let idle = loop.pool.takeIdle(key: key) {
            send(on: idle)
            return
        }
        loop.pool.connect(key: key, host: address.host, port: address.port, connectTimeout: target.connectTimeout) { [self] result in
            guard !finished, thisAttempt == attempt else {
                if case .success(let connection) = result { loop.pool.release(connection) }
                return
            }
            switch result {
            case .success(let connection): send(on: connection)
            case .failure: attemptFailed(status: nil, reason: .connectFailure)
            }
        }
    }

    private func send(on connection: UpstreamConnection) {
        self.connection = connection
        connection.handler.exchange = self
        sentAt = .now()
        let upstreamRequest = self.upstreamRequest ?? makeUpstreamRequest(fields: requestHead.headers)
        self.upstreamRequest = upstreamRequest
        connection.handler.sendHead(
            upstreamRequest,
            chunkedBody: chunkedRequest,
            isHEAD: requestHead.method == .HEAD,
            // An HTTP/1.0 client gets a chunked response decoded.
            decodeChunks: requestHead.version == .http1_0
        )
        for part in bufferedBody { connection.handler.sendBody(part) }
        if !bodyRetained { bufferedBody.removeAll() }
        if requestEnded { connection.handler.sendEnd() }
        connection.handler.flush()
        armTimer()
        if !connection.handler.isWritable { downstream.pauseReads() } else { downstream.resumeReads() }
    }

    // MARK: Request body from the client

    func requestBody(_ buffer: ByteBuffer) {
        if bodyRetained {
            bufferedBytes += buffer.readableBytes
            if bufferedBytes > Self.retainLimit {
                bodyRetained = false
            }
        }
        if let connection {
            armTimer()
            connection.handler.sendBody(buffer)
            if bodyRetained { bufferedBody.append(buffer) } else { bufferedBody.removeAll() }
            if !connection.handler.isWritable { downstream.pauseReads() }
        } else {
            bufferedBody.append(buffer)
            if bufferedBody.count > 16 || bufferedBytes > 1 << 20 { downstream.pauseReads() }
        }
    }

    func requestEnd() {
        requestEnded = true
        if let connection {
            connection.handler.sendEnd()
            connection.handler.flush()
            if !responseStarted { armTimer() }
        }
    }

    func downstreamReadComplete() { connection?.handler.flush() }

    func upstreamBecameWritable() { downstream.resumeReads() }

    func downstreamBecameWritable() { connection?.handler.resumeReads() }

    // MARK: Response from the upstream

    func upstreamResponseHead(_ head: inout UpstreamResponseHead) {
        guard !finished else { return }
        if head.status == 101 {
            guard upgrade != nil, head.upgrade != nil, let connection else {
                attemptFailed(status: nil, reason: .invalidResponse)
                return
            }
            switchToTunnel(head, connection: connection)
            return
        }
        status = head.status
        upstreamKeepAlive = head.keepAlive
        if shouldRetry(status: status) {
            attemptFailed(status: status, reason: .status)
            return
        }
        if let endpoint { target.cluster.recordOutcome(endpoint: endpoint, status: status, failure: nil) }
        if let sentAt { upstreamLatency = .nanoseconds((NIODeadline.now() - sentAt).nanoseconds) }
        armTimer()
        responseStarted = true
        downstream.sendResponseHead(&head, exchange: self)
    }

    func upstreamResponseBody(_ buffer: ByteBuffer) {
        guard !finished else { return }
        armTimer()
        downstream.sendResponseBody(buffer)
        if !downstream.isWritable { connection?.handler.pauseReads() }
    }

    func upstreamResponseEnd(reusable: Bool) {
        guard !finished else { return }
        if !reusable { upstreamKeepAlive = false }
        complete()
    }

    /// The upstream's answer was not valid HTTP: 502 if nothing reached the client yet, else the client connection
    /// closes (nginx: "upstream sent invalid header").
    func upstreamResponseInvalid(_ reason: String) {
        guard !finished else { return }
        let address = endpoint.map { target.cluster.endpoints[$0] }
        downstream.reportError(
            "upstream \(target.cluster.name) (\(address.map { "\($0.host):\($0.port)" } ?? "?")) sent an invalid response: \(reason)"
        )
        if responseStarted, !downstream.discardHeldHead() {
            connection = nil
            finish(reuseUpstream: false)
            downstream.abortConnection()
        } else {
            // Nothing reached the client yet (its head was still held): it gets the 502.
            responseStarted = false
            attemptFailed(status: nil, reason: .invalidResponse)
        }
    }

    func upstreamReadComplete() { downstream.flush() }

    /// The upstream accepted the upgrade: the exchange ends here and both connections become a byte tunnel (the
    /// upstream connection never returns to the pool).
    private func switchToTunnel(_ head: UpstreamResponseHead, connection: UpstreamConnection) {
        status = 101
        responseStarted = true
        if let endpoint { target.cluster.recordOutcome(endpoint: endpoint, status: 101, failure: nil) }
        finished = true
        cancelTimer()
        if let endpoint { loop.balancer.finished(target.cluster, endpoint: endpoint) }
        self.connection = nil
        connection.handler.exchange = nil
        bufferedBody.removeAll()
        releaseBudget()
        downstream.switchToTunnel(head, upstream: connection, exchange: self)
    }

    func upstreamClosed() {
        guard !finished else { return }
        if responseStarted {
            connection = nil
            finish(reuseUpstream: false)
            downstream.abortConnection()
        } else {
            // The connection goes in attemptFailed, which needs it to tell a stale kept-alive one.
            attemptFailed(status: nil, reason: .reset)
        }
    }

    private func complete() {
        cancelTimer()
        let reuse = upstreamKeepAlive && requestEnded
        finish(reuseUpstream: reuse)
        downstream.sendResponseEnd(exchange: self)
    }

    // MARK: Failures and retries

    private enum FailureReason { case connectFailure, reset, timeout, status, invalidResponse }

    private func shouldRetry(status: Int) -> Bool {
        guard let retryOn = target.retryOn, attempt < target.retries, idempotent, requestEnded, bodyRetained else { return false }
        if retryOn.contains(String(status)) { return true }
        if status >= 500, retryOn.contains("5xx") { return true }
        if status == 502 || status == 503 || status == 504, retryOn.contains("gateway-error") { return true }
        if status == 503, retryOn.contains("unavailable") { return true }
        return false
    }

    private func attemptFailed(status: Int?, reason: FailureReason) {
        cancelTimer()
        if let endpoint {
            target.cluster.recordOutcome(
                endpoint: endpoint,
                status: status,
                failure: reason == .timeout ? .timeout : reason == .status ? nil : .connection
            )
            loop.balancer.finished(target.cluster, endpoint: endpoint)
        }
        let failedConnection = connection
        connection = nil
        failedConnection?.handler.exchange = nil
        failedConnection?.channel.close(promise: nil)
        let wasReused = failedConnection?.reused ?? false
        if canRetry(reason, staleConnection: wasReused) {
            attempt += 1
            // Other connections idle as long as the stale one may be closed too: the retry takes a new one.
            if wasReused, reason == .reset { needsNewConnection = true }
            connect()
            return
        }
        switch reason {
        case .timeout: fail(.gatewayTimeout, GatewayErrorResponse.timeout)
        case .status: fail(HTTPResponseStatus(statusCode: status ?? 502), GatewayErrorResponse.badGateway)
        default: fail(.badGateway, GatewayErrorResponse.badGateway)
        }
    }

    private func canRetry(_ reason: FailureReason, staleConnection: Bool) -> Bool {
        guard bodyRetained || (bufferedBody.isEmpty && !requestEnded && bufferedBytes == 0) else { return false }
        guard attempt < max(target.retries, staleConnection ? 1 : 0) else { return false }
        switch reason {
        case .connectFailure:
            // Nothing reached the upstream: safe for every method (Kong retries these).
            return target.retryOn.map { $0.contains("connect-failure") || $0.contains("5xx") || $0.contains("gateway-error") } ?? true
        case .reset:
            // A kept-alive connection closed under us before any response: resend if idempotent.
            if staleConnection, idempotent { return true }
            return idempotent && (target.retryOn?.contains("reset") ?? false)
        case .timeout:
            return idempotent && target.perTryTimeout != nil
                && (target.retryOn.map { $0.contains("5xx") || $0.contains("gateway-error") || $0.contains("reset") } ?? false)
        case .status:
            return true
        case .invalidResponse:
            return false
        }
    }

    private func fail(_ status: HTTPResponseStatus, _ message: String) {
        guard !finished else { return }
        self.status = Int(status.code)
        finish(reuseUpstream: false)
        downstream.sendError(status, message: message, exchange: self)
    }

    /// While the request is still going up, the write timeout runs (renewed by every body part); once it is all sent,
    /// the read timeout (or Istio's per-try timeout), renewed by every part of the response.
    private func armTimer() {
        if !requestEnded, !responseStarted {
            deadline = .now() + target.writeTimeout
        } else {
            deadline = .now() + (target.perTryTimeout.map { min($0, target.readTimeout) } ?? target.readTimeout)
        }
    }

    private func cancelTimer() { deadline = nil }

    /// Called on every tick of the loop's deadlines while this exchange is the client connection's current one.
    func checkDeadline(now: NIODeadline) {
        guard let deadline, now >= deadline else { return }
        timedOut()
    }

    private func timedOut() {
        deadline = nil
        guard !finished else { return }
        if !requestEnded, !responseStarted, connection?.handler.isWritable ?? true {
            // The client stopped sending its body while the upstream could take more: the client's fault, answered
            // as nginx's client_body_timeout answers it (408), not as an upstream timeout.
            fail(.requestTimeout, GatewayErrorResponse.requestTimeout)
            return
        }
        if responseStarted {
            finish(reuseUpstream: false)
            downstream.abortConnection()
        } else {
            attemptFailed(status: nil, reason: .timeout)
        }
    }

    /// The client went away: drop the upstream connection too.
    func downstreamClosed() {
        guard !finished else { return }
        finish(reuseUpstream: false)
    }

    private func finish(reuseUpstream: Bool) {
        guard !finished else { return }
        finished = true
        cancelTimer()
        if let endpoint, connection != nil || responseStarted { loop.balancer.finished(target.cluster, endpoint: endpoint) }
        if let connection {
            connection.handler.resumeReads()
            if reuseUpstream {
                loop.pool.release(connection)
            } else {
                connection.handler.exchange = nil
                connection.channel.close(promise: nil)
            }
        }
        connection = nil
        bufferedBody.removeAll()
        releaseBudget()
    }

    private func releaseBudget() {
        if holdsBudget {
            holdsBudget = false
            target.cluster.budget?.release()
        }
    }
}
