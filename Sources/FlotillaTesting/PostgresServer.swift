import Foundation

/// A throwaway PostgreSQL server for tests: `initdb` into a temporary folder, `pg_ctl start` on a
/// free loopback port, `stop()` removes it all.
///
/// ```swift
/// let postgres = try PostgresServer.start()
/// defer { postgres.stop() }
/// let url = try postgres.createDatabase("users")   // postgres://flotilla@127.0.0.1:PORT/users
/// ```
///
/// When the tests run as root (CI does), the server runs as the `postgres` user, since PostgreSQL
/// refuses to run as root. The binaries are looked up in `/usr/lib/postgresql/*/bin` or `PG_BIN`.
public final class PostgresServer: Sendable {
    /// The port the server listens on.
    public let port: Int
    /// The superuser name (trust authentication on loopback).
    public let user = "flotilla"
    private let directory: URL
    private let binaries: String
    private let runAs: String?

    private init(port: Int, directory: URL, binaries: String, runAs: String?) {
        self.port = port
        self.directory = directory
        self.binaries = binaries
        self.runAs = runAs
    }

    /// Whether PostgreSQL's server binaries are installed here.
    public static var isAvailable: Bool { (try? findBinaries()) != nil }

    /// Initialises and starts a new server.
    public static func start() throws -> PostgresServer {
        let binaries = try findBinaries()
        let directory = try Command.temporaryDirectory(prefix: "flotilla-pg")
        let runAs: String? = geteuid() == 0 ? "postgres" : nil
        if let runAs { try Command.run("/bin/chown", ["-R", runAs, directory.path]) }
        let port = try FreePort.next()
        let server = PostgresServer(port: port, directory: directory, binaries: binaries, runAs: runAs)
        let data = directory.appendingPathComponent("data").path
        try server.run("initdb", ["-D", data, "-U", server.user, "-A", "trust", "--no-sync", "-E", "UTF8", "--locale=C"])
        let options = "-p \(port) -k \(directory.path) -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c max_connections=200"
        try server.run("pg_ctl", ["-D", data, "-o", options, "-l", directory.appendingPathComponent("log").path, "-w", "-t", "60", "start"])
        return server
    }

    /// Creates a database and returns its URL.
    public func createDatabase(_ name: String) throws -> String {
        try run("createdb", ["-h", "127.0.0.1", "-p", String(port), "-U", user, name])
        return url(database: name)
    }

    /// The URL of `database` on this server.
    public func url(database: String) -> String {
        "postgres://\(user)@127.0.0.1:\(port)/\(database)?sslmode=disable"
    }

    /// Stops the server immediately and removes its folder.
    public func stop() {
        _ = try? run("pg_ctl", ["-D", directory.appendingPathComponent("data").path, "-m", "immediate", "-w", "stop"])
        try? FileManager.default.removeItem(at: directory)
    }

    @discardableResult
    private func run(_ tool: String, _ arguments: [String]) throws -> String {
        let path = binaries + "/" + tool
        if let runAs {
            return try Command.run("/usr/sbin/runuser", ["-u", runAs, "--", path] + arguments)
        }
        return try Command.run(path, arguments)
    }

    private static func findBinaries() throws -> String {
        if let configured = ProcessInfo.processInfo.environment["PG_BIN"] { return configured }
        let root = "/usr/lib/postgresql"
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        for version in versions.sorted(by: { (Int($0) ?? 0) > (Int($1) ?? 0) }) {
            let bin = "\(root)/\(version)/bin"
            if FileManager.default.isExecutableFile(atPath: bin + "/initdb") { return bin }
        }
        throw FixtureError("PostgreSQL server binaries not found in /usr/lib/postgresql/*/bin: apt-get install postgresql")
    }
}

extension PostgresServer {
    /// One server shared by every test in the process, started on first use and stopped at exit.
    public static func shared() throws -> PostgresServer {
        try sharedServer.get()
    }

    /// A fresh database on the shared server, with a unique name.
    public static func freshDatabase(prefix: String = "test") throws -> String {
        try shared().createDatabase("\(prefix)_\(UUID().uuidString.prefix(8).lowercased())")
    }
}

private let sharedServer: Result<PostgresServer, any Error> = {
    let result = Result { try PostgresServer.start() }
    if case .success = result {
        atexit { if case .success(let server) = sharedServer { server.stop() } }
    }
    return result
}()
