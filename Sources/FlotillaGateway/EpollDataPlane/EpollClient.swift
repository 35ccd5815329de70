#if canImport(Glibc)
import CFlotillaEpoll
import Glibc
import NIOCore
import NIOHTTP1

/// A client connection on the epoll data plane. Proxies plain requests (``PlainRequestHead``) on routes without
/// faults, retry policies, connection budgets or hashing, one at a time and in order, running the route's plugins
/// first (on the loop; on a task when one has to wait). Anything else, and any failure before a response has
/// started, hands the connection (with the request, unanswered, and the plugins' outcome if they ran) to the NIO
/// data plane, which then owns it: so every case the NIO plane answers is answered the same way here, by the NIO
/// plane, and no plugin runs twice for one request.
final class EpollClient: EpollSocket, EndOfWakeWriter {
    /// Strong: the loop's socket table lets go of the client when it closes or leaves.
    let loop: EpollLoop
    let fd: Int32
    let clientAddress: String
    // Exclusivity is not checked at run time on the buffers below (it cost about 4 % of the CPU per request): the
    // object is used by its loop's thread alone, and no access to one of them starts while another is in progress.
    @exclusivity(unchecked) private var inbound: ByteBuffer
    @exclusivity(unchecked) private var outbound: ByteBuffer
    private var writeWatched = false
    private var readsPaused = false
    private(set) var isOpen = true
    var writeQueued = false
    private var closeWhenSent = false
    private var handOffWhenSent = false
    /// The access phase already run for the request a deferred hand-off leaves unanswered.
    private var handOffPlugins: AppliedPlugins?
    /// A request whose plugins wait on a task (a JWKS fetch, a Redis counter).
    private var waiting: WaitingRequest?
    /// What the plugins on bytes remember from this connection's requests (made for the first request with plugins).
    private var wireMemo: WireConnectionMemo?
    /// The state the last request's plugins on bytes filled, for the next one once nothing else refers to it.
    private var spareWireState: WireAccessState?
    /// The request being proxied.
    private var exchange: Exchange?
    /// While no request is in progress: when the client must have sent its next request.
    private var idleDeadline: NIODeadline
    /// The last read filled its room and reading stopped there: the socket may hold more, such as the rest of a head
    /// the buffer's end cut (read before that head is parsed again, not handed to NIO as a head in pieces).
    private var socketMayHoldMore = false
    /// Unsent answers this large hold the next pipelined request and the reads from the client.
    private static let outputHighWater = 256 * 1024
    /// Output this large, made in one wake, holds the upstream's reads until the wake's send took it: a streamed
    /// body goes out in sends of about this size, and the buffer stays small (it is kept between requests).
    private static let wakeOutputBudget = 32 * 1024
    /// An output buffer grown past this (a client that did not take its answers) is let go once it is empty.
    private static let keptOutputCapacity = 64 * 1024
    /// Unanswered pipelined input this large stops reading from the client.
    private static let inputHighWater = 64 * 1024

    /// A class: the exchange is looked at on every event, and a struct of this size would be copied (and its
    /// references retained) each time.
    private final class Exchange {
        let head: PlainRequestHead
        let target: ProxyTarget
        let plugins: AppliedPlugins?
        /// The plugins' outcome when their access phase ran on the request's bytes (then `plugins` is nil).
        let wire: WireAccessState?
        let endpoint: Int
        let requestID: String
        let startedAt: NIODeadline
        var upstream: EpollUpstream?
        /// The request head as sent upstream (sent again once if a kept-alive connection turns out closed).
        var request = ByteBuffer()
        var retriedStale = false
        var keepAlive: Bool
        var status = 0
        var responseStarted = false
        /// When the request went upstream (the wake that read it, or the one its plugins resumed in) and when the
        /// upstream's response head arrived: the upstream latency the log phase reads.
        let sentAt: NIODeadline
        var responseHeadAt: NIODeadline?
        /// Bytes of the response added to the output (head and body).
        var responseBytes = 0
        /// Where the response head starts in the output, while none of it was written to the socket (an invalid
        /// body in the same read still becomes a 502).
        var unsentHeadOffset: Int?
        var deadline: NIODeadline

        init(
            head: PlainRequestHead,
            target: ProxyTarget,
            plugins: AppliedPlugins?,
            wire: WireAccessState?,
            endpoint: Int,
            requestID: String,
            startedAt: NIODeadline,
            sentAt: NIODeadline,
            upstream: EpollUpstream?,
            keepAlive: Bool,
            deadline: NIODeadline
        ) {
            self.head = head
            self.target = target
            self.plugins = plugins
            self.wire = wire
            self.endpoint = endpoint
            self.requestID = requestID
            self.startedAt = startedAt
            self.sentAt = sentAt
            self.upstream = upstream
            self.keepAlive = keepAlive
            self.deadline = deadline
        }
    }

    /// A request whose access phase suspended; the loop's mailbox brings the outcome back (``accessResumed(_:)``),
    /// matched by `token`.
    private struct WaitingRequest {
        let token: UInt64
        let head: PlainRequestHead
        let target: ProxyTarget
        let startedAt: NIODeadline
    }

    init(loop: EpollLoop, fd: Int32, clientAddress: String) {
        self.loop = loop
        self.fd = fd
        self.clientAddress = clientAddress
        self.inbound = loop.allocator.buffer(capacity: 0)
        self.outbound = loop.allocator.buffer(capacity: 0)
        self.idleDeadline = loop.now + loop.plane.options.idleTimeout
    }

    // MARK: Reading requests

    /// Reads until the socket is empty (its descriptor is edge-triggered: nothing reports bytes that were already
    /// there) and starts the requests read. When the connection cannot take more (``inputHighWater`` unanswered, the
    /// client not reading its answers) while the socket may hold more, reads pause; resuming them re-arms the
    /// descriptor, and epoll then reports what waits.
    func readable(peerClosed: Bool) {
        while isOpen, !readsPaused {
            var empty = false
            while inbound.readableBytes < Self.inputHighWater {
                let (result, filledRoom) = inbound.read(from: fd, reserving: 8192)
                if result <= 0 {
                    if result < 0, errno == EINTR { continue }
                    if result < 0, errno == EAGAIN {
                        empty = true
                        break
                    }
                    closeNow()
                    return
                }
                if !filledRoom, !peerClosed {
                    empty = true
                    break
                }
            }
            socketMayHoldMore = !empty
            if exchange == nil, waiting == nil { handleRequests() }
            guard isOpen, socketMayHoldMore, !closeWhenSent, !handOffWhenSent else { return }
            if inbound.readableBytes >= Self.inputHighWater || outbound.readableBytes >= Self.outputHighWater {
                pauseReads()
                return
            }
        }
    }

    /// Starts the buffered requests, one at a time: those the plugins answer at once go on to the next; it stops at
    /// one that is proxied or waits for its plugins. Then sends what was answered.
    private func handleRequests() {
        requests: while isOpen, exchange == nil, waiting == nil, !closeWhenSent, !handOffWhenSent, inbound.readableBytes > 0 {
            if outbound.readableBytes >= Self.outputHighWater {
                // The client is not taking the answers already made: the next request waits until they are sent.
                sendOutput()
                return
            }
            let outcome = inbound.withUnsafeReadableBytes { PlainRequestHead.parse($0) }
            switch outcome {
            case .incomplete where socketMayHoldMore:
                // The rest is likely read already by the kernel: it is read before this head is parsed again.
                if readsPaused { resumeReads() }
                break requests
            case .incomplete, .notPlain:
                handOff()
            case .plain(let head):
                start(head)
            }
        }
        if isOpen { sendOutput() }
    }

    private func start(_ head: PlainRequestHead) {
        let startedAt = loop.now
        let snapshot = loop.snapshots.current(loop.plane.runtime)
        loop.balancer.reset(for: snapshot)
        let requestTarget = RequestTarget(head.uri)
        let decision = snapshot.decide(
            method: head.method,
            host: DownstreamHandler.hostWithoutPort(head.host),
            path: requestTarget.path,
            query: requestTarget.query,
            headers: { name in self.inbound.withUnsafeReadableBytes { head.firstValue(of: name, in: $0) } }
        )
        guard case .proxy(let target) = decision, Self.isPlain(target) else {
            handOff()
            return
        }
        guard let chain = snapshot.chain(for: target) else {
            proxy(head, to: target, plugins: nil, startedAt: startedAt)
            return
        }
        if chain.wirePlugins != nil {
            // Reused only when this connection holds the last reference (the request that used it is finished).
            var spare = spareWireState
            spareWireState = nil
            if !isKnownUniquelyReferenced(&spare) { spare = nil }
            let state = inbound.withUnsafeReadableBytes { chain.wireAccess(wireRequest(head, in: $0, target: target), reusing: spare) }
            spareWireState = state ?? spare
            if let state {
                loop.plane.reports[loop.index].countAccessOnBytes()
                proxy(head, to: target, plugins: nil, wire: state, startedAt: startedAt)
                return
            }
        }
        var working = inbound.withUnsafeReadableBytes { GatewayExchange(wireRequest(head, in: $0, target: target)) }
        switch chain.accessWithoutSuspending(&working) {
        case .finished(let response, let ran):
            accessEnded(head, target: target, plugins: AppliedPlugins(exchange: working, ran: ran), response: response, startedAt: startedAt)
        case .suspended(let run):
            let token = loop.makeToken()
            waiting = WaitingRequest(token: token, head: head, target: target, startedAt: startedAt)
            let mailbox = loop.plane.mailboxes[loop.index]
            let fd = self.fd
            let suspended = working
            Task {
                var working = suspended
                let (response, ran) = await chain.resume(run, &working)
                mailbox.post(ResumedAccess(fd: fd, token: token, plugins: AppliedPlugins(exchange: working, ran: ran), response: response))
            }
        }
    }

    /// The request as the plugins read it from bytes; valid only while `bytes` is.
    private func wireRequest(_ head: PlainRequestHead, in bytes: UnsafeRawBufferPointer, target: ProxyTarget) -> WireRequest {
        let memo = wireMemo ?? WireConnectionMemo()
        wireMemo = memo
        return WireRequest(
            head: head,
            bytes: bytes,
            clientAddress: clientAddress,
            routeName: target.routeName,
            serviceName: target.serviceName,
            memo: memo
        )
    }

    /// An access phase that ran on bytes, as the usual phases would have left it (for a request the NIO plane takes).
    private func appliedPlugins(_ wire: WireAccessState, head: PlainRequestHead, target: ProxyTarget) -> AppliedPlugins {
        inbound.withUnsafeReadableBytes { AppliedPlugins(wire, request: wireRequest(head, in: $0, target: target)) }
    }

    /// The outcome of an access phase that suspended, back on the loop.
    func accessResumed(_ resumed: ResumedAccess) {
        guard isOpen, let request = waiting, request.token == resumed.token else { return }
        waiting = nil
        accessEnded(request.head, target: request.target, plugins: resumed.plugins, response: resumed.response, startedAt: request.startedAt)
        // Sends what is answered and goes on with the next requests, reading again if the wait held reads.
        flush()
    }

    /// Proxies the request as the plugins left it, or sends the response one of them chose.
    private func accessEnded(
        _ head: PlainRequestHead,
        target: ProxyTarget,
        plugins: AppliedPlugins,
        response: GatewayPluginResponse?,
        startedAt: NIODeadline
    ) {
        guard let response else {
            proxy(head, to: target, plugins: plugins, startedAt: startedAt)
            return
        }
        var bytes = ResponseHeadWriter.bytes(plugins.head(of: response, keepAlive: head.keepAlive), allocator: loop.allocator)
        var responseBytes = bytes.readableBytes
        outbound.writeBuffer(&bytes)
        if !head.isHEAD {
            var body = response.body
            responseBytes += body.readableBytes
            outbound.writeBuffer(&body)
        }
        let outcome = ResponseOutcome(
            status: response.status.code,
            source: .exit,
            requestBytes: head.length,
            responseBytes: responseBytes,
            upstreamLatency: nil
        )
        complete(head, target: target, plugins: plugins, outcome: outcome, startedAt: startedAt)
        if !head.keepAlive { closeWhenSent = true }
    }

    /// Proxies a request whose plugins ran (`plugins` or `wire`, or none on a route without plugins).
    private func proxy(
        _ head: PlainRequestHead,
        to target: ProxyTarget,
        plugins: AppliedPlugins?,
        wire: WireAccessState? = nil,
        startedAt: NIODeadline
    ) {
        guard let endpoint = loop.balancer.pick(target.cluster, target.endpoints, hashKey: { nil }) else {
            handOff(plugins: plugins ?? wire.map { appliedPlugins($0, head: head, target: target) })
            return
        }
        let address = target.cluster.endpoints[endpoint]
        guard let upstream = loop.upstream(key: target.cluster.poolKeys[endpoint], host: address.host, port: address.port) else {
            handOff(plugins: plugins ?? wire.map { appliedPlugins($0, head: head, target: target) })
            return
        }
        loop.balancer.started(target.cluster, endpoint: endpoint)
        let id = inbound.withUnsafeReadableBytes { head.requestID(in: $0) } ?? loop.requestIDs.make()
        let exchange = Exchange(
            head: head,
            target: target,
            plugins: plugins,
            wire: wire,
            endpoint: endpoint,
            requestID: id,
            startedAt: startedAt,
            sentAt: loop.now,
            upstream: upstream,
            keepAlive: head.keepAlive,
            deadline: loop.now + (upstream.isConnecting ? target.connectTimeout : target.readTimeout)
        )
        if let plugins {
            exchange.request = upstreamRequest(head, fields: plugins.exchange.request.headerFields, target: target, requestID: id)
        } else if head.hasForwardingFields {
            exchange.request = upstreamRequest(head, fields: inbound.withUnsafeReadableBytes { head.headers(in: $0) }, target: target, requestID: id)
        } else {
            exchange.request = inbound.withUnsafeReadableBytes { bytes in
                PlainUpstreamRequest.bytes(
                    head,
                    in: bytes,
                    addedFields: wire?.consumerFields ?? [],
                    uri: target.upstreamURI,
                    hostHeader: target.hostHeader,
                    clientAddress: clientAddress,
                    localPort: loop.localPort,
                    requestID: id,
                    allocator: loop.allocator
                )
            }
        }
        self.exchange = exchange
        upstream.client = self
        upstream.send(exchange.request, isHEAD: head.isHEAD)
    }

    /// The request head for the upstream: the client's fields (as the plugins left them) and the proxy's.
    private func upstreamRequest(_ head: PlainRequestHead, fields: some RequestFieldList, target: ProxyTarget, requestID: String) -> ByteBuffer {
        ForwardedHeaders.upstreamRequest(
            method: head.method,
            fields: fields,
            uri: target.upstreamURI,
            hostHeader: target.hostHeader,
            clientAddress: clientAddress,
            localPort: loop.localPort,
            requestID: requestID,
            allocator: loop.allocator
        )
    }

    /// Whether this data plane proxies requests to `target` itself: no fault, retry policy, connection budget or
    /// hash (the NIO plane has those).
    private static func isPlain(_ target: ProxyTarget) -> Bool {
        target.fault == nil && target.retryOn == nil && target.perTryTimeout == nil && target.cluster.budget == nil
            && !target.cluster.balancer.hashes
    }

    // MARK: The upstream's answer

    func upstreamHead(_ head: inout UpstreamResponseHead) {
        guard let exchange else { return }
        if head.status == 101 {
            // An upgrade nobody asked for.
            failBeforeResponse(.badGateway, GatewayErrorResponse.badGateway, failure: .connection)
            return
        }
        exchange.status = head.status
        exchange.responseStarted = true
        exchange.responseHeadAt = loop.now
        exchange.deadline = loop.now + exchange.target.readTimeout
        exchange.target.cluster.recordOutcome(endpoint: exchange.endpoint, status: head.status, failure: nil)
        if head.framing == .untilClose { exchange.keepAlive = false }
        var bytes = ClientResponseHead.bytes(
            &head,
            plugins: exchange.plugins,
            wireFields: exchange.wire?.responseFields ?? WireResponseFields(),
            requestID: exchange.requestID,
            connection: exchange.keepAlive ? nil : "close",
            allocator: loop.allocator
        )
        exchange.unsentHeadOffset = outbound.writerIndex
        exchange.responseBytes = bytes.readableBytes
        outbound.writeBuffer(&bytes)
    }

    func upstreamBody(_ part: ByteBuffer) {
        guard let exchange else { return }
        exchange.deadline = loop.now + exchange.target.readTimeout
        if exchange.head.isHEAD { return }
        exchange.responseBytes += part.readableBytes
        var part = part
        outbound.writeBuffer(&part)
    }

    func upstreamEnd(reusable: Bool) {
        guard let exchange else { return }
        self.exchange = nil
        let target = exchange.target
        loop.balancer.finished(target.cluster, endpoint: exchange.endpoint)
        if let upstream = exchange.upstream {
            upstream.client = nil
            if reusable { loop.release(upstream) } else { upstream.closeNow() }
        }
        complete(
            exchange.head,
            target: target,
            plugins: exchange.plugins,
            wire: exchange.wire,
            outcome: outcome(of: exchange, status: exchange.status, source: .service),
            startedAt: exchange.startedAt
        )
        if !exchange.keepAlive { closeWhenSent = true }
    }

    /// What the log phase reads of an exchange that ends with `status`.
    private func outcome(of exchange: Exchange, status: Int, source: GatewayResponseSource) -> ResponseOutcome {
        ResponseOutcome(
            status: status,
            source: source,
            requestBytes: exchange.head.length,
            responseBytes: exchange.responseBytes,
            upstreamLatency: exchange.responseHeadAt.map { .nanoseconds(($0 - exchange.sentAt).nanoseconds) }
        )
    }

    /// The connection is up: from now on the read timeout applies.
    func upstreamConnected() {
        guard let exchange, !exchange.responseStarted else { return }
        exchange.deadline = loop.now + exchange.target.readTimeout
    }

    /// A connect failed or timed out. To an IP address, the endpoint is marked as the NIO plane marks it; to a name
    /// this plane resolved, the NIO plane (which tries every address of the name) decides, and the name is not used
    /// here for a while.
    func upstreamConnectFailed() {
        guard let exchange else { return }
        let host = exchange.target.cluster.endpoints[exchange.endpoint].host
        let isAddress = (try? SocketAddress(ipAddress: host, port: 0)) != nil
        if !isAddress { loop.plane.hostAddresses.forget(host) }
        abandonAttempt(recordFailure: isAddress)
    }

    /// The upstream closed or reset before the response ended. A kept-alive connection that closed before any
    /// answer was stale: the request goes again, once, on a new connection (the NIO plane does the same). A new
    /// one that closed is a 502, not retried (Kong retries only connection failures).
    func upstreamReset() {
        guard let exchange else { return }
        if exchange.responseStarted {
            closeNow()  // the response started: the client connection closes (as nginx does)
        } else if exchange.upstream?.reused ?? false, !exchange.retriedStale {
            exchange.retriedStale = true
            exchange.upstream?.client = nil
            exchange.upstream?.closeNow()
            let address = exchange.target.cluster.endpoints[exchange.endpoint]
            guard
                let fresh = loop.newUpstream(key: exchange.target.cluster.poolKeys[exchange.endpoint], host: address.host, port: address.port)
            else {
                abandonAttempt(recordFailure: false)
                return
            }
            exchange.upstream = fresh
            exchange.deadline = loop.now + exchange.target.connectTimeout
            fresh.client = self
            fresh.send(exchange.request, isHEAD: exchange.head.isHEAD)
        } else {
            failBeforeResponse(.badGateway, GatewayErrorResponse.badGateway, failure: .connection)
        }
    }

    /// The upstream's answer is not valid HTTP: 502 if nothing reached the client yet, else the client connection
    /// closes; a line for the operator either way (nginx: "upstream sent invalid header").
    func upstreamInvalid(_ reason: String) {
        guard let exchange else { return }
        let address = exchange.target.cluster.endpoints[exchange.endpoint]
        loop.plane.runtime.errorLog?(
            "upstream \(exchange.target.cluster.name) (\(address.host):\(address.port)) sent an invalid response: \(reason) "
                + "(request \(exchange.head.method) \(exchange.head.uri))"
        )
        if exchange.responseStarted, let offset = exchange.unsentHeadOffset {
            // Nothing of the head was written yet: it is dropped, and the client gets the 502.
            outbound.moveWriterIndex(to: offset)
            exchange.responseStarted = false
            exchange.responseHeadAt = nil
            exchange.responseBytes = 0
            exchange.unsentHeadOffset = nil
        }
        if exchange.responseStarted {
            closeNow()  // the response started: the client connection closes (as nginx does)
        } else {
            failBeforeResponse(.badGateway, GatewayErrorResponse.badGateway, failure: .connection)
        }
    }

    /// Gives up this attempt before anything reached the client: the request goes, unanswered, to the NIO plane.
    private func abandonAttempt(recordFailure: Bool) {
        guard let exchange else { return }
        self.exchange = nil
        if recordFailure {
            exchange.target.cluster.recordOutcome(endpoint: exchange.endpoint, status: nil, failure: .connection)
        }
        loop.balancer.finished(exchange.target.cluster, endpoint: exchange.endpoint)
        exchange.upstream?.closeNow()
        handOff(plugins: exchange.plugins ?? exchange.wire.map { appliedPlugins($0, head: exchange.head, target: exchange.target) })
    }

    /// A request answered: metrics, the plugins' log phase and the access log, then the request's bytes leave the
    /// input buffer.
    private func complete(
        _ head: PlainRequestHead,
        target: ProxyTarget,
        plugins: AppliedPlugins?,
        wire: WireAccessState? = nil,
        outcome: ResponseOutcome,
        startedAt: NIODeadline
    ) {
        let routeLabel = target.routeLabel
        let serviceLabel = target.serviceLabel
        let status = outcome.status
        loop.recordCompletion(route: routeLabel, service: serviceLabel, status: status, since: startedAt)
        plugins?.log(outcome)
        if let wire, !wire.logs.isEmpty {
            let completion = WireCompletion(
                routeName: target.routeName,
                serviceName: target.serviceName,
                consumer: wire.consumer,
                outcome: outcome,
                latency: .nanoseconds((loop.now - startedAt).nanoseconds)
            )
            for plugin in wire.logs { plugin.wireLog(completion) }
        }
        if let log = loop.plane.runtime.accessLog {
            log.write(
                AccessLogEntry(
                    method: head.method,
                    uri: head.uri,
                    status: status,
                    route: routeLabel,
                    service: serviceLabel,
                    client: clientAddress,
                    latency: loop.now - startedAt
                )
            )
        }
        inbound.moveReaderIndex(forwardBy: head.length)
        if inbound.readableBytes == 0 { inbound.clear() }
        idleDeadline = loop.now + loop.plane.options.idleTimeout
    }

    // MARK: Writing

    /// Sends what the response added to the output (when the loop's wake ends), and starts the next pipelined
    /// request.
    func flush() {
        guard isOpen else { return }
        if outbound.readableBytes > 0 { sendOutput() } else { outputSent() }
        startNextRequest()
    }

    /// The next pipelined request, unless the client is not taking the answers already made.
    private func startNextRequest() {
        guard isOpen, exchange == nil, outbound.readableBytes < Self.outputHighWater else { return }
        if readsPaused { resumeReads() }
        handleRequests()
    }

    /// Queues the output for the end of the wake; past the wake's budget, the upstream's reads wait for the send.
    private func sendOutput() {
        guard outbound.readableBytes > 0 else { return }
        loop.writes.add(self)
        if outbound.readableBytes >= Self.wakeOutputBudget { exchange?.upstream?.pauseReads() }
    }

    var bytesToWrite: ByteBuffer? { outbound }

    /// Everything answered so far is sent: the upstream may read on, and a connection to close or hand off goes.
    private func outputSent() {
        if outbound.capacity > Self.keptOutputCapacity {
            outbound = loop.allocator.buffer(capacity: 0)
        } else {
            outbound.clear()
        }
        if writeWatched {
            writeWatched = false
            updateInterest()
        }
        exchange?.upstream?.resumeReads()
        if closeWhenSent {
            closeNow()
        } else if handOffWhenSent {
            handOff()
        }
    }

    func written(_ result: Int) {
        if result < 0 {
            guard result == -Int(EAGAIN) || result == -Int(EINTR) else {
                closeNow()
                return
            }
        } else {
            outbound.moveReaderIndex(forwardBy: result)
            exchange?.unsentHeadOffset = nil
        }
        if outbound.readableBytes == 0 {
            outputSent()
        } else {
            // The socket is full: epoll reports when it takes more.
            if !writeWatched {
                writeWatched = true
                updateInterest()
            }
        }
        startNextRequest()
    }

    func writable() { flush() }

    private func updateInterest() {
        let events = (readsPaused ? 0 : EPOLLIN.rawValue | EPOLLRDHUP.rawValue) | (writeWatched ? EPOLLOUT.rawValue : 0)
        loop.watch(fd, events: events)
    }

    private func pauseReads() {
        guard !readsPaused else { return }
        readsPaused = true
        updateInterest()
    }

    private func resumeReads() {
        guard readsPaused else { return }
        readsPaused = false
        updateInterest()
    }

    // MARK: Time

    func tick(now: NIODeadline) {
        guard isOpen, waiting == nil else { return }
        guard let exchange else {
            if now >= idleDeadline, outbound.readableBytes == 0 { closeNow() }
            return
        }
        guard now >= exchange.deadline else { return }
        if exchange.responseStarted {
            closeNow()  // the response started: the client connection closes (as nginx does)
        } else if exchange.upstream?.isConnecting ?? false {
            // connect_timeout: the NIO plane retries, as it does for its own connect failures.
            upstreamConnectFailed()
        } else {
            // read_timeout before the response started.
            failBeforeResponse(.gatewayTimeout, GatewayErrorResponse.timeout, failure: .timeout)
        }
    }

    /// The attempt failed before the response started, and is not retried: the gateway's own answer (Kong's
    /// body), as the NIO plane gives it.
    private func failBeforeResponse(_ status: HTTPResponseStatus, _ message: String, failure: UpstreamFailure) {
        guard let exchange else { return }
        self.exchange = nil
        exchange.target.cluster.recordOutcome(endpoint: exchange.endpoint, status: nil, failure: failure)
        loop.balancer.finished(exchange.target.cluster, endpoint: exchange.endpoint)
        exchange.upstream?.client = nil
        exchange.upstream?.closeNow()
        let body = GatewayErrorResponse.body(message, allocator: loop.allocator)
        var head = GatewayErrorResponse.head(status, length: body.readableBytes, keepAlive: exchange.keepAlive)
        exchange.plugins?.filter(&head)
        exchange.wire?.responseFields.add(to: &head.headers)
        var bytes = ResponseHeadWriter.bytes(head, allocator: loop.allocator)
        exchange.responseBytes = bytes.readableBytes
        exchange.responseHeadAt = nil
        outbound.writeBuffer(&bytes)
        if !exchange.head.isHEAD {
            var body = body
            exchange.responseBytes += body.readableBytes
            outbound.writeBuffer(&body)
        }
        complete(
            exchange.head,
            target: exchange.target,
            plugins: exchange.plugins,
            wire: exchange.wire,
            outcome: outcome(of: exchange, status: Int(status.code), source: .error),
            startedAt: exchange.startedAt
        )
        if !exchange.keepAlive { closeWhenSent = true }
        flush()
    }

    // MARK: Closing and handing off

    /// Gives the connection to the NIO plane; `plugins` is the access phase already run for the first unread request.
    private func handOff(plugins: AppliedPlugins? = nil) {
        guard isOpen else { return }
        if plugins != nil { handOffPlugins = plugins }
        if outbound.readableBytes > 0 {
            // The answers before go out first; what the client sends meanwhile stays in the socket for NIO.
            handOffWhenSent = true
            pauseReads()
            return
        }
        isOpen = false
        loop.handOff(fd: fd, unread: inbound, plugins: handOffPlugins)
        handOffPlugins = nil
    }

    func closeNow() {
        guard isOpen else { return }
        isOpen = false
        waiting = nil
        handOffPlugins = nil
        if let exchange {
            self.exchange = nil
            loop.balancer.finished(exchange.target.cluster, endpoint: exchange.endpoint)
            exchange.upstream?.closeNow()
        }
        loop.forget(fd)
        Glibc.close(fd)
    }
}
#endif
