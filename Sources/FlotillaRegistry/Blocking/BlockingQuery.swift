import Hummingbird

/// Consul's blocking queries: `?index=` and `?wait=` on catalog, health and KV reads.
///
/// With an index, the read is answered once its own index moves past it (or goes backwards, as
/// after a registry reset), or when the wait runs out — 5 minutes by default, at most 10.
public struct BlockingQuery: Sendable, Equatable {
    /// The index the client already has; 0 answers at once.
    public var index: UInt64
    /// How long to hold the request at most.
    public var wait: Duration

    /// Consul's default wait.
    public static let defaultWait = Duration.seconds(300)
    /// Consul's longest wait.
    public static let maximumWait = Duration.seconds(600)

    /// Creates a query.
    public init(index: UInt64 = 0, wait: Duration = defaultWait) {
        self.index = index
        self.wait = wait
    }

    /// Reads `?index=` and `?wait=`; bad values are Consul's 400s (`Invalid index`, `Invalid wait time`).
    public init(index indexText: Substring?, wait waitText: Substring?) throws(ConsulError) {
        self.init()
        if let text = indexText {
            guard let value = UInt64(text) else { throw ConsulError(.badRequest, "Invalid index") }
            index = value
        }
        if let text = waitText {
            do { wait = try GoDuration.parse(String(text)) } catch { throw ConsulError(.badRequest, "Invalid wait time") }
            if wait <= .zero { wait = Self.defaultWait }
            if wait > Self.maximumWait { wait = Self.maximumWait }
        }
    }

    /// Reads `?index=` and `?wait=` from `request`.
    public init(_ request: Request) throws(ConsulError) {
        try self.init(index: request.uri.queryParameters["index"], wait: request.uri.queryParameters["wait"])
    }

    /// Runs `read` until its index is past ``index`` or the wait runs out; returns the last result.
    public func run<Result>(
        notifier: ChangeNotifier,
        topic: ChangeNotifier.Topic,
        read: () -> (UInt64, Result)
    ) async -> (UInt64, Result) {
        let deadline = ContinuousClock.now + wait
        while true {
            let generation = notifier.generation(of: topic)
            let (answerIndex, result) = read()
            let remaining = deadline - ContinuousClock.now
            if index == 0 || answerIndex != index || remaining <= .zero || Task.isCancelled || notifier.isClosed {
                return (max(answerIndex, 1), result)
            }
            await notifier.wait(for: topic, after: generation, timeout: remaining)
        }
    }
}
