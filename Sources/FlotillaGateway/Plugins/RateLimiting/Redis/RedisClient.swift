import FlotillaResilience
import NIOCore
import NIOPosix
import Synchronization

/// Where a Redis server is and how to log in (Kong's `redis.host`, `port`, `username`, `password`, `database`,
/// `timeout`).
struct RedisSettings: Sendable, Hashable {
    var host: String
    var port = 6379
    var username: String?
    var password: String?
    var database = 0
    /// Connect and command timeout.
    var timeout: Duration = .milliseconds(2_000)
}

/// A minimal Redis client: one pipelined connection, opened on first use (with AUTH and SELECT) and again after it
/// fails. Commands time out after `settings.timeout`, which closes the connection.
final class RedisClient: PluginSharedResourceShutdown {
    let settings: RedisSettings
    private let group: any EventLoopGroup
    private let connection = Mutex<Connection>(Connection())

    private struct Connection {
        var pending: EventLoopFuture<any Channel>?
        var channel: (any Channel)?
    }

    init(settings: RedisSettings, group: any EventLoopGroup) {
        self.settings = settings
        self.group = group
    }

    /// Sends `commands` pipelined and returns their replies in order; an error reply throws.
    func send(_ commands: [[String]]) async throws -> [RESPValue] {
        let channel = try await self.channel().get()
        let replies = try await Self.write(commands, on: channel, timeout: settings.timeout).get()
        for reply in replies {
            if case .error(let message) = reply { throw RedisClientError.server(message) }
        }
        return replies
    }

    /// Sends one command.
    func send(_ command: [String]) async throws -> RESPValue { try await send([command])[0] }

    func shutdown() async {
        let future = connection.withLock { connection in
            defer { connection = Connection() }
            return connection.pending
        }
        if let channel = try? await future?.get() { try? await channel.close() }
    }

    private func channel() -> EventLoopFuture<any Channel> {
        let made: EventLoopFuture<any Channel> = connection.withLock { connection in
            // A live or still-connecting connection is reused; a failed or closed one is replaced.
            if let pending = connection.pending {
                if let channel = connection.channel {
                    if channel.isActive { return pending }
                } else {
                    return pending
                }
            }
            let made = connect()
            connection = Connection(pending: made, channel: nil)
            return made
        }
        made.whenComplete { [weak self] result in
            self?.connection.withLock { connection in
                guard connection.pending === made else { return }
                switch result {
                case .success(let channel): connection.channel = channel
                case .failure: connection = Connection()
                }
            }
        }
        return made
    }

    private func connect() -> EventLoopFuture<any Channel> {
        let settings = self.settings
        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(.nanoseconds(settings.timeout.nanosecondsClamped))
            .channelOption(.socketOption(.so_reuseaddr), value: 1)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(RESPChannelHandler())
                }
            }
        return bootstrap.connect(host: settings.host, port: settings.port).flatMap { channel in
            var login: [[String]] = []
            if let password = settings.password {
                login.append(settings.username.map { ["AUTH", $0, password] } ?? ["AUTH", password])
            }
            if settings.database != 0 { login.append(["SELECT", String(settings.database)]) }
            guard !login.isEmpty else { return channel.eventLoop.makeSucceededFuture(channel) }
            return Self.write(login, on: channel, timeout: settings.timeout).flatMapThrowing { replies in
                for reply in replies {
                    if case .error(let message) = reply {
                        channel.close(promise: nil)
                        throw RedisClientError.server(message)
                    }
                }
                return channel
            }
        }
    }

    private static func write(_ commands: [[String]], on channel: any Channel, timeout: Duration) -> EventLoopFuture<[RESPValue]> {
        let loop = channel.eventLoop
        let replies = commands.map { arguments in
            let promise = loop.makePromise(of: RESPValue.self)
            channel.write(RESPCommand(arguments: arguments, reply: promise), promise: nil)
            return promise.futureResult
        }
        channel.flush()
        let all = EventLoopFuture.whenAllSucceed(replies, on: loop)
        let timer = loop.scheduleTask(in: .nanoseconds(timeout.nanosecondsClamped)) { channel.close(promise: nil) }
        all.whenComplete { _ in timer.cancel() }
        return all
    }
}
