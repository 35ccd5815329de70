import Foundation

/// A throwaway Redis server for tests: `redis-server` daemonized in a temporary folder on a free loopback port,
/// without persistence; `stop()` ends it and removes the folder.
///
/// ```swift
/// guard RedisServer.isAvailable else { return }   // apt-get install redis-server
/// let redis = try await RedisServer.start()
/// defer { redis.stop() }
/// ```
public final class RedisServer: Sendable {
    /// The port the server listens on (127.0.0.1).
    public let port: Int
    private let directory: URL

    private init(port: Int, directory: URL) {
        self.port = port
        self.directory = directory
    }

    /// The `redis-server` binary, from `REDIS_SERVER` or the usual places; nil when not installed.
    public static var binary: String? {
        let candidates = [ProcessInfo.processInfo.environment["REDIS_SERVER"], "/usr/bin/redis-server", "/usr/local/bin/redis-server"]
        return candidates.compactMap { $0 }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Whether redis-server is installed here.
    public static var isAvailable: Bool { binary != nil }

    /// ``start(password:)`` on a thread of its own (``FixtureThread``), for a test's task.
    public static func start(password: String? = nil) async throws -> RedisServer {
        try await FixtureThread.run { try start(password: password) as RedisServer }
    }

    /// Starts a new server, optionally with a password (`requirepass`), and waits until it accepts connections.
    public static func start(password: String? = nil) throws -> RedisServer {
        guard let binary else { throw FixtureError("redis-server not found: apt-get install redis-server") }
        let directory = try Command.temporaryDirectory(prefix: "flotilla-redis")
        let port = try FreePort.next()
        var arguments = [
            "--port", String(port), "--bind", "127.0.0.1", "--dir", directory.path, "--daemonize", "yes",
            "--pidfile", directory.appendingPathComponent("redis.pid").path,
            "--logfile", directory.appendingPathComponent("redis.log").path, "--save", "", "--appendonly", "no",
        ]
        if let password { arguments += ["--requirepass", password] }
        try Command.run(binary, arguments)
        let server = RedisServer(port: port, directory: directory)
        try server.waitUntilListening()
        return server
    }

    /// Stops the server and removes its folder.
    public func stop() {
        if let text = try? String(contentsOf: directory.appendingPathComponent("redis.pid"), encoding: .utf8),
            let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
        {
            kill(pid, SIGKILL)
        }
        try? FileManager.default.removeItem(at: directory)
    }

    private func waitUntilListening() throws {
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            close(fd)
            if connected == 0 { return }
            usleep(50_000)
        }
        throw FixtureError("redis-server did not listen on port \(port) within 10 s")
    }
}
