import Synchronization

/// The authentications of the API keys key-auth met on bytes, made once per key (the consumer's upstream fields among
/// them) rather than on every request. Only keys some consumer has are kept, so it holds at most one entry per
/// configured key; a reload builds a new plugin, hence a new table.
final class KeyAuthWireCredentials: Sendable {
    private let consumers: ConsumerDirectory
    private let made = Mutex<[String: WireAuthentication]>([:])

    init(consumers: ConsumerDirectory) {
        self.consumers = consumers
    }

    /// The authentication for `apiKey`, nil when no consumer has it.
    func authentication(apiKey: String) -> WireAuthentication? {
        if let known = made.withLock({ $0[apiKey] }) { return known }
        guard let (consumer, credential) = consumers.keyAuthCredential(apiKey: apiKey) else { return nil }
        let authentication = WireAuthentication(consumer: consumer, credential: credential.id)
        made.withLock { $0[apiKey] = authentication }
        return authentication
    }
}
