import HTTPTypes

extension GatewayExchange {
    /// The exchange the usual plugin phases start from, for a plain request the epoll data plane read.
    init(_ request: WireRequest) {
        self.init(
            request: HTTPTypesBridge.request(
                method: request.head.method,
                uri: request.head.uri,
                fields: request.head.fields(in: request.bytes),
                authority: request.head.host
            ),
            clientAddress: request.clientAddress,
            declaredBodyLength: request.head.hasContentLength ? 0 : nil,
            routeName: request.routeName,
            serviceName: request.serviceName
        )
    }
}

extension AppliedPlugins {
    /// An access phase that ran on bytes, as the usual phases would have left it: for a request handed to the NIO
    /// data plane before its answer, which runs the later phases there.
    convenience init(_ state: WireAccessState, request: WireRequest) {
        var exchange = GatewayExchange(request)
        if state.isAuthenticated {
            ConsumerAuthentication.authenticate(&exchange, consumer: state.consumer, credential: state.credentialIdentifier)
        }
        exchange.responseHeaders = WireFieldLines.fields(state.responseFields.lines)
        self.init(exchange: exchange, ran: state.ran)
    }
}
