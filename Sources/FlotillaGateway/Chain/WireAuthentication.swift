/// What an authentication that runs on bytes leaves for a request, made once per credential (a verified token, an
/// API key) and shared by every request that presents it: the consumer, the credential's identifier, and the header
/// lines sent upstream for them, from HTTPTypes' values, so they are exactly what the usual phases send.
final class WireAuthentication: Sendable {
    let consumer: GatewayConsumer?
    let credential: String
    /// The `X-Consumer-*` and `X-Credential-Identifier` lines (``ConsumerAuthentication/fields(consumer:credential:)``).
    let upstreamFields: [UInt8]

    init(consumer: GatewayConsumer?, credential: String) {
        self.consumer = consumer
        self.credential = credential
        self.upstreamFields = WireFieldLines.lines(ConsumerAuthentication.fields(consumer: consumer, credential: credential))
    }
}
