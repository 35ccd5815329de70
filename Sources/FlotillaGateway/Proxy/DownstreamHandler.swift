import HTTPTypes
import NIOCore
import NIOHTTP1

/// The proxy's handler on a client connection: routes each request, runs the plugin chain when the route has
/// plugins, hands the request to a `ProxyExchange`, and writes the response back. Holds reads while the upstream
/// cannot take more (backpressure), answers malformed requests with 400/431 and closes. Responses leave as bytes:
/// a proxied one as the upstream framed it (its head re-written by ``UpstreamResponseFramer``), the gateway's own
/// written whole by ``ResponseHeadWriter``; the connection has no HTTP encoder.
///
/// Pipelined requests wait in a queue until the response before them has ended (HTTP/1.1 answers in order). This
/// handler does that itself instead of NIO's `HTTPServerPipelineHandler`, which stops reading the socket while every
/// response is pending: on a kept-alive connection that cost two `epoll_ctl` calls per request.
final class DownstreamHandler: ChannelDuplexHandler, RemovableChannelHandler, DeadlineWatching {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let runtime: GatewayRuntime
    private let loop: LoopContext
    private let options: GatewayServerOptions
    private let guardHandler: ConnectionGuard
    private var context: ChannelHandlerContext?
    private var exchange: ProxyExchange?
    private var clientAddress = ""
    private var localPort = "0"
    var deadlineSlot = -1

    /// The request being handled (for keep-alive, logging and metrics).
    private var requestHead: HTTPRequestHead?
    private var keepAlive = true
    private var requestEnded = true
    /// False when the request declares no body (no Content-Length above 0, no Transfer-Encoding): an early
    /// answer then does not need to close the connection.
    private var requestHasBody = false
    private var responding = false
    private var discardingBody = false
    private var bodyBytes = 0
    /// Bytes of the current response written to the client (head and body), for the log phase.
    private var responseBytes = 0
    private var requestStart = NIODeadline.now()
    private var routeLabel = ""
    private var serviceLabel = ""

    private var readsPaused = false
    private var pendingRead = false
    /// A request that asks to close the connection has been read whole: nothing after it is read or answered (RFC
    /// 9112 §9.6), and the decoder's complaints about such bytes are not the client's answer.
    private var inputEnded = false
    /// Whether the last request head the decoder produced asks to close the connection, and whether that request has
    /// ended (a decoder error then is about the bytes of a new request).
    private var decodedHeadCloses = false
    private var decodedRequestEnded = true
    /// A malformed request behind complete ones still being answered: its 400 (or 431) goes out after their answers.
    private var deferredParserError: HTTPResponseStatus?
    /// A proxied response's head, held until its first body part (a small body joins it in one write), a flush or
    /// the response's end.
    private var heldHead: ByteBuffer?
    private static let coalescedBodyLimit = 4096

    /// Parts of pipelined requests that arrived while an earlier response was still pending.
    private var pipelined: [HTTPServerRequestPart] = []
    private var drainingPipeline = false
    /// Reads stop while this many pipelined parts wait (a client flooding requests without reading responses).
    private static let pipelineLimit = 64

    /// Plugins of the current request: the chain's plugins that ran, and the exchange as they left it.
    private var plugins: AppliedPlugins?
    /// The access phase the epoll data plane already ran for the first request of a connection it handed over
    /// (after an upstream connect failure): used instead of running the plugins a second time.
    private var adoptedPlugins: AppliedPlugins?
    /// The body limit for this request (the server's, or request-size-limiting's if smaller).
    private var bodyLimit: Int?
    /// Who refuses a body past `bodyLimit`: request-size-limiting (a plugin's exit) when its limit is the one that
    /// binds, else the gateway.
    private var bodyLimitSource: GatewayResponseSource {
        guard let limit = bodyLimit, let pluginLimit = plugins?.exchange.maximumBodyBytes, pluginLimit == limit else { return .error }
        return .exit
    }

    init(
        runtime: GatewayRuntime,
        loop: LoopContext,
        options: GatewayServerOptions,
        guardHandler: ConnectionGuard,
        adoptedPlugins: AppliedPlugins? = nil
    ) {
        self.runtime = runtime
        self.loop = loop
        self.options = options
        self.guardHandler = guardHandler
        self.adoptedPlugins = adoptedPlugins
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if let remote = context.channel.remoteAddress { clientAddress = remote.ipAddress ?? "" }
        localPort = String(context.channel.localAddress?.port ?? 0)
        loop.deadlines.add(self)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        loop.deadlines.remove(self)
        self.context = nil
    }

    /// The loop's deadline tick: the client's header and idle deadlines, and the current request's timeouts.
    func checkDeadlines(now: NIODeadline) {
        guard context != nil else { return }
        guardHandler.check(now: now)
        exchange?.checkDeadline(now: now)
    }

    // MARK: Requests

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        switch part {
        case .head(let head):
            decodedHeadCloses = !head.isKeepAlive
            decodedRequestEnded = false
        case .end:
            decodedRequestEnded = true
            if decodedHeadCloses { inputEnded = true }
        case .body: break
        }
        if !pipelined.isEmpty || (responding && requestEnded) {
            pipelined.append(part)
            return
        }
        handle(part, context: context)
    }

    private func handle(_ part: HTTPServerRequestPart, context: ChannelHandlerContext) {
        switch part {
        case .head(let head): received(head, context: context)
        case .body(let buffer):
            bodyBytes += buffer.readableBytes
            if let limit = bodyLimit, bodyBytes > limit, !discardingBody {
                if let exchange, exchange.responseStarted {
                    abortConnection()
                    return
                }
                exchange?.downstreamClosed()
                exchange = nil
                discardingBody = true
                keepAlive = false
                respondError(.payloadTooLarge, GatewayErrorResponse.tooLarge, source: bodyLimitSource)
                return
            }
            if discardingBody { return }
            exchange?.requestBody(buffer)
        case .end:
            requestEnded = true
            if discardingBody {
                discardingBody = false
                return
            }
            exchange?.requestEnd()
        }
    }

    private func received(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
        guardHandler.requestHeadReceived()
        requestHead = head
        keepAlive = head.isKeepAlive
        requestEnded = false
        requestHasBody =
            head.headers.contains(name: "transfer-encoding")
            || (head.headers.first(name: "content-length").flatMap(Int.init) ?? 0) > 0
        responding = true
        bodyBytes = 0
        responseBytes = 0
        requestStart = .now()
        routeLabel = ""
        serviceLabel = ""
        plugins = nil
        let adopted = adoptedPlugins
        adoptedPlugins = nil
        bodyLimit = options.maxRequestBodySize
        let uri = head.uri
        guard uri.utf8.first == UInt8(ascii: "/") else {
            discardingBody = true
            keepAlive = false
            respondError(.badRequest, GatewayErrorResponse.badRequest)
            return
        }
        let hostValue = head.headers.first(name: "host")
        if hostValue == nil, head.version.minor >= 1 {
            discardingBody = true
            keepAlive = false
            respondError(.badRequest, GatewayErrorResponse.badRequest)
            return
        }
        if let limit = options.maxRequestBodySize, let length = head.headers.first(name: "content-length").flatMap(Int.init), length > limit {
            discardingBody = true
            keepAlive = false
            respondError(.payloadTooLarge, GatewayErrorResponse.tooLarge)
            return
        }
        let host = Self.hostWithoutPort(hostValue ?? "")
        let requestTarget = RequestTarget(uri)
        let path = requestTarget.path
        let query = requestTarget.query
        let snapshot = loop.snapshots.current(runtime)
        loop.balancer.reset(for: snapshot)
        let headers = head.headers
        let lookup: RequestHeaderLookup = { name in headers.first(name: name) }
        switch snapshot.decide(method: head.method.rawValue, host: host, path: path, query: query, headers: lookup) {
        case .noRoute:
            discardingBody = true
            respondError(.notFound, GatewayErrorResponse.noRoute)
        case .proxy(let target):
            routeLabel = target.routeLabel
            serviceLabel = target.serviceLabel
            if let fault = target.fault, let status = fault.abortStatus, Double.random(in: 0..<100) < fault.abortPercentage {
                discardingBody = true
                respondError(HTTPResponseStatus(statusCode: status), "fault filter abort", source: .exit)
                return
            }
            if head.headers.contains(name: "expect"), head.headers.first(name: "expect")?.lowercased() == "100-continue" {
                context.writeAndFlush(wrapOutboundOut(ResponseHeadWriter.continueHead(allocator: context.channel.allocator)), promise: nil)
            }
            let clientAddress = self.clientAddress
            let exchange = ProxyExchange(
                downstream: self,
                loop: loop,
                target: target,
                head: head,
                clientAddress: clientAddress,
                localPort: localPort,
                hashKey: !target.cluster.balancer.hashes
                    ? nil
                    : { [weak self] in
                        switch target.cluster.balancer {
                        case .consistentHash(.consumer):
                            let identified = self?.plugins?.exchange
                            return identified?.consumer?.id ?? identified?.credentialIdentifier
                        case .consistentHash(.header(let name)): return headers.first(name: name)
                        case .consistentHash(.sourceIP): return clientAddress
                        case .consistentHash(.path): return String(path)
                        case .consistentHash(.queryParameter(let name)):
                            return query?.split(separator: "&").first { $0.hasPrefix("\(name)=") }.map { String($0.dropFirst(name.count + 1)) }
                        default: return nil
                        }
                    }
            )
            self.exchange = exchange
            // An upgrade the upstream refuses leaves the request decoder stopped: that connection ends after the answer.
            if exchange.upgrade != nil { keepAlive = false }
            if let adopted, snapshot.chain(for: target) != nil {
                let declaredLength = head.headers.first(name: "content-length").flatMap(Int.init)
                accessPhaseEnded(exchange: exchange, updated: adopted.exchange, response: nil, ran: adopted.ran, declaredLength: declaredLength)
                return
            }
            if let chain = snapshot.chain(for: target) {
                runAccessPhase(chain, exchange: exchange, head: head, hostValue: hostValue, target: target, context: context)
                return
            }
            if let fault = target.fault, let delay = fault.delay, Double.random(in: 0..<100) < fault.delayPercentage {
                _ = context.eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(delay)) { [weak self, weak exchange] in
                    guard let self, let exchange, self.exchange === exchange else { return }
                    exchange.start()
                }
            } else {
                exchange.start()
            }
        }
    }

    /// Runs the plugins' access phase on the event loop, moving to a task only when a plugin has to suspend (a JWKS
    /// fetch, a Redis counter), then proxies or answers with the plugin's response. While a task runs, body parts
    /// wait in the exchange and reads are held.
    private func runAccessPhase(
        _ chain: PluginChain,
        exchange: ProxyExchange,
        head: HTTPRequestHead,
        hostValue: String?,
        target: ProxyTarget,
        context: ChannelHandlerContext
    ) {
        let declaredLength = head.headers.first(name: "content-length").flatMap(Int.init)
        var working = GatewayExchange(
            request: HTTPTypesBridge.request(head, authority: hostValue),
            clientAddress: clientAddress,
            declaredBodyLength: declaredLength,
            routeName: target.routeName,
            serviceName: target.serviceName
        )
        switch chain.accessWithoutSuspending(&working) {
        case .finished(let response, let ran):
            accessPhaseEnded(exchange: exchange, updated: working, response: response, ran: ran, declaredLength: declaredLength)
        case .suspended(let run):
            pauseReads()
            let suspended = working
            let promise = context.eventLoop.makePromise(of: (GatewayExchange, GatewayPluginResponse?, [PluginChain.Scoped]).self)
            promise.completeWithTask {
                var working = suspended
                let (response, ran) = await chain.resume(run, &working)
                return (working, response, ran)
            }
            promise.futureResult.assumeIsolated().whenSuccess { [self] result in
                let (updated, response, ran) = result
                readsPaused = false
                accessPhaseEnded(exchange: exchange, updated: updated, response: response, ran: ran, declaredLength: declaredLength)
                resumeReadsIfPending()
            }
        }
    }

    /// Proxies the request as the plugins left it, or sends the response one of them chose.
    private func accessPhaseEnded(
        exchange: ProxyExchange,
        updated: GatewayExchange,
        response: GatewayPluginResponse?,
        ran: [PluginChain.Scoped],
        declaredLength: Int?
    ) {
        guard self.exchange === exchange else { return }
        plugins = AppliedPlugins(exchange: updated, ran: ran)
        if let limit = updated.maximumBodyBytes { bodyLimit = min(bodyLimit ?? limit, limit) }
        if let response {
            self.exchange = nil
            exchange.downstreamClosed()
            discardingBody = !requestEnded
            respondPlugin(response)
            return
        }
        if let limit = bodyLimit, let declaredLength, declaredLength > limit {
            self.exchange = nil
            exchange.downstreamClosed()
            discardingBody = !requestEnded
            respondError(.payloadTooLarge, GatewayErrorResponse.tooLarge, source: bodyLimitSource)
            return
        }
        exchange.replaceRequestHeaders(updated.request.headerFields)
        exchange.start()
    }

    private func resumeReadsIfPending() {
        if pendingRead, !inputEnded, let context {
            pendingRead = false
            context.read()
        }
    }

    private func respondPlugin(_ response: GatewayPluginResponse) {
        guard let context, let plugins else { return }
        if !requestEnded, requestHasBody { keepAlive = false }
        writeWhole(plugins.head(of: response, keepAlive: keepAlive), body: response.body, context: context)
        finishResponse(status: response.status.code, source: .exit)
    }

    /// The Host field's host, lower-cased, without the port (an IPv6 literal keeps its brackets).
    static func hostWithoutPort(_ value: String) -> String {
        let utf8 = value.utf8
        let end: String.Index
        if utf8.first == UInt8(ascii: "[") {
            end = utf8.firstIndex(of: UInt8(ascii: "]")).map { utf8.index(after: $0) } ?? utf8.endIndex
        } else {
            end = utf8.firstIndex(of: UInt8(ascii: ":")) ?? utf8.endIndex
        }
        let host = utf8[..<end]
        if !host.contains(where: { $0 >= 65 && $0 <= 90 }) {
            return end == utf8.endIndex ? value : String(Substring(host))
        }
        return String(Substring(host)).lowercased()
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        exchange?.downstreamReadComplete()
        context.fireChannelReadComplete()
    }

    // MARK: Responses (called by the exchange)

    func sendResponseHead(_ head: inout UpstreamResponseHead, exchange: ProxyExchange) {
        guard context != nil, self.exchange === exchange else { return }
        let clientHTTP10 = requestHead?.version.minor == 0
        if !keepAlive || (!requestEnded && requestHasBody) || head.framing == .untilClose || (clientHTTP10 && head.framing == .chunked) {
            keepAlive = false
        }
        let connection = keepAlive ? (clientHTTP10 ? "keep-alive" : nil) : "close"
        let bytes = ClientResponseHead.bytes(
            &head,
            plugins: plugins,
            requestID: exchange.requestID,
            connection: connection,
            allocator: loop.allocator
        )
        responseBytes += bytes.readableBytes
        heldHead = bytes
    }

    func sendResponseBody(_ buffer: ByteBuffer) {
        guard let context else { return }
        responseBytes += buffer.readableBytes
        if var head = heldHead {
            heldHead = nil
            if buffer.readableBytes <= Self.coalescedBodyLimit {
                // A small body goes out in the head's buffer: one write instead of a head and a body.
                head.writeImmutableBuffer(buffer)
                context.write(wrapOutboundOut(head), promise: nil)
                return
            }
            context.write(wrapOutboundOut(head), promise: nil)
        }
        context.write(wrapOutboundOut(buffer), promise: nil)
    }

    /// Drops a held response head that was never written; false when the head already went out.
    func discardHeldHead() -> Bool {
        guard heldHead != nil else { return false }
        heldHead = nil
        responseBytes = 0
        return true
    }

    /// Writes the held response head, if any (before a flush or the response's end).
    private func writeHeldHead() {
        guard let head = heldHead, let context else { return }
        heldHead = nil
        context.write(wrapOutboundOut(head), promise: nil)
    }

    func sendResponseEnd(exchange: ProxyExchange) {
        guard self.exchange === exchange else { return }
        self.exchange = nil
        finishResponse(status: exchange.status, source: .service, upstreamLatency: exchange.upstreamLatency)
    }

    func sendError(_ status: HTTPResponseStatus, message: String, exchange: ProxyExchange) {
        guard self.exchange === exchange else { return }
        self.exchange = nil
        if !requestEnded { discardingBody = true }
        readsPaused = false
        respondError(status, message)
    }

    func flush() {
        writeHeldHead()
        context?.flush()
    }

    var isWritable: Bool { context?.channel.isWritable ?? false }

    /// The gateway's own answer (Kong's body); `source` `.exit` for a fault abort (an answer configured on purpose).
    private func respondError(_ status: HTTPResponseStatus, _ message: String, source: GatewayResponseSource = .error) {
        guard let context else { return }
        let body = GatewayErrorResponse.body(message, allocator: context.channel.allocator)
        if !requestEnded, requestHasBody { keepAlive = false }
        var head = GatewayErrorResponse.head(status, length: body.readableBytes, keepAlive: keepAlive)
        plugins?.filter(&head)
        writeWhole(head, body: body, context: context)
        finishResponse(status: Int(status.code), source: source)
    }

    /// Writes a response the gateway made itself: head and body (no body for HEAD requests).
    private func writeWhole(_ head: HTTPResponseHead, body: ByteBuffer, context: ChannelHandlerContext) {
        let bytes = ResponseHeadWriter.bytes(head, allocator: context.channel.allocator)
        responseBytes += bytes.readableBytes
        context.write(wrapOutboundOut(bytes), promise: nil)
        if requestHead?.method != .HEAD, body.readableBytes > 0 {
            responseBytes += body.readableBytes
            context.write(wrapOutboundOut(body), promise: nil)
        }
    }

    private func finishResponse(status: Int, source: GatewayResponseSource, upstreamLatency: Duration? = nil) {
        guard let context else { return }
        writeHeldHead()
        responding = false
        recordCompletion(status: status, source: source, upstreamLatency: upstreamLatency)
        if keepAlive {
            context.flush()
            guardHandler.responseFinished()
            resumeReads()
            if !pipelined.isEmpty { drainPipeline(context: context) }
            if !responding, pipelined.isEmpty, let status = deferredParserError {
                deferredParserError = nil
                answerUnreadableRequest(status, context: context)
            }
        } else {
            pipelined.removeAll()
            deferredParserError = nil
            closeAfterWrites(context)
        }
    }

    /// Flushes what was written and closes once it is sent.
    private func closeAfterWrites(_ context: ChannelHandlerContext) {
        context.writeAndFlush(wrapOutboundOut(ByteBuffer())).assumeIsolated().whenComplete { _ in context.close(promise: nil) }
    }

    /// Metrics, the plugins' log phase and the access log for a request that got its answer.
    private func recordCompletion(status: Int, source: GatewayResponseSource, upstreamLatency: Duration? = nil) {
        loop.metrics.record(route: routeLabel, service: serviceLabel, status: status, since: requestStart)
        if let plugins {
            let outcome = ResponseOutcome(
                status: status,
                source: source,
                requestBytes: (requestHead?.serializedLength ?? 0) + bodyBytes,
                responseBytes: responseBytes,
                upstreamLatency: upstreamLatency
            )
            plugins.log(outcome)
            self.plugins = nil
        }
        if let log = runtime.accessLog, let head = requestHead {
            log.write(
                AccessLogEntry(
                    method: head.method.rawValue,
                    uri: head.uri,
                    status: status,
                    route: routeLabel,
                    service: serviceLabel,
                    client: clientAddress,
                    latency: NIODeadline.now() - requestStart
                )
            )
        }
    }

    /// The upstream answered an Upgrade with 101: send it on, then turn both connections into a byte tunnel (the
    /// HTTP handlers leave both pipelines, this one included).
    func switchToTunnel(_ head: UpstreamResponseHead, upstream: UpstreamConnection, exchange: ProxyExchange) {
        guard let context, self.exchange === exchange else {
            upstream.channel.close(promise: nil)
            return
        }
        self.exchange = nil
        responding = false
        var head = head
        let bytes = ClientResponseHead.bytes(
            &head,
            plugins: plugins,
            requestID: exchange.requestID,
            connection: "upgrade",
            upgrade: head.upgrade,
            allocator: loop.allocator
        )
        responseBytes += bytes.readableBytes
        context.writeAndFlush(wrapOutboundOut(bytes), promise: nil)
        recordCompletion(status: 101, source: .service, upstreamLatency: exchange.upstreamLatency)
        do {
            let (clientEnd, upstreamEnd) = TunnelHandler.pair(upstreamIdleTimeout: exchange.target.readTimeout, deadlines: loop.deadlines)
            let downstreamPipeline = context.pipeline.syncOperations
            let downstreamHTTP: [any RemovableChannelHandler] = [
                try downstreamPipeline.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self),
                self,
            ]
            let upstreamPipeline = upstream.channel.pipeline.syncOperations
            let upstreamHTTP: [any RemovableChannelHandler] = [upstream.handler]
            try clientEnd.install(in: downstreamPipeline, replacing: downstreamHTTP)
            try upstreamEnd.install(in: upstreamPipeline, replacing: upstreamHTTP)
        } catch {
            upstream.channel.close(promise: nil)
            context.close(promise: nil)
        }
    }

    /// A line for the operator (the runtime's error log).
    func reportError(_ line: String) {
        runtime.errorLog?("\(line) (request \(requestHead.map { "\($0.method.rawValue) \($0.uri)" } ?? "?"))")
    }

    /// Closes the client connection (an upstream failed mid-response, or a timeout).
    func abortConnection() {
        exchange = nil
        heldHead = nil
        context?.close(promise: nil)
    }

    /// Handles queued pipelined parts until the next request is complete and waits for its response.
    private func drainPipeline(context: ChannelHandlerContext) {
        guard !drainingPipeline else { return }
        drainingPipeline = true
        defer { drainingPipeline = false }
        while !pipelined.isEmpty, self.context != nil, !(responding && requestEnded) {
            handle(pipelined.removeFirst(), context: context)
        }
        if !readsPaused, pipelined.count < Self.pipelineLimit { resumeReadsIfPending() }
    }

    // MARK: Backpressure

    func pauseReads() { readsPaused = true }

    func resumeReads() {
        guard readsPaused else { return }
        readsPaused = false
        if pendingRead, !inputEnded, let context {
            pendingRead = false
            context.read()
        }
    }

    func read(context: ChannelHandlerContext) {
        if readsPaused || inputEnded || pipelined.count >= Self.pipelineLimit {
            pendingRead = true
        } else {
            context.read()
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { exchange?.downstreamBecameWritable() }
        context.fireChannelWritabilityChanged()
    }

    // MARK: Errors and closing

    func channelInactive(context: ChannelHandlerContext) {
        exchange?.downstreamClosed()
        exchange = nil
        context.fireChannelInactive()
    }

    /// Answers a request llhttp could not read (400, or 431 for oversize headers) and closes the connection: the
    /// request in progress, if any, is dropped.
    private func answerUnreadableRequest(_ status: HTTPResponseStatus, context: ChannelHandlerContext) {
        exchange?.downstreamClosed()
        exchange = nil
        keepAlive = false
        requestEnded = true
        responding = true
        requestHead = nil  // the answer is to the unreadable request, not to the one before it
        let message = status == .badRequest ? GatewayErrorResponse.badRequest : GatewayErrorResponse.headersTooLarge
        let body = GatewayErrorResponse.body(message, allocator: context.channel.allocator)
        writeWhole(GatewayErrorResponse.head(status, length: body.readableBytes, keepAlive: false), body: body, context: context)
        closeAfterWrites(context)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if inputEnded, error is HTTPParserError || error is ByteToMessageDecoderError {
            // Bytes after a request that closes the connection: not a request, and not read any further. The
            // answers still due go out, then the connection closes.
            return
        }
        if let parserError = error as? HTTPParserError {
            let status: HTTPResponseStatus = parserError == .headerOverflow ? .requestHeaderFieldsTooLarge : .badRequest
            if decodedRequestEnded, responding || !pipelined.isEmpty {
                // A new request is unreadable while earlier ones still wait for their answers: those go out first
                // (in order), then this one's error, then the connection closes. Nothing more is read.
                deferredParserError = status
                inputEnded = true
                return
            }
            if !(exchange?.responseStarted ?? false) {
                answerUnreadableRequest(status, context: context)
                return
            }
        }
        exchange?.downstreamClosed()
        exchange = nil
        context.close(promise: nil)
    }
}
