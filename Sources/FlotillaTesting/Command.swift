import Foundation

/// Runs external programs for fixtures: synchronously, capturing output, failing with what it printed.
public enum Command {
    /// Runs `executable` with `arguments`; throws with its output when it exits non-zero.
    ///
    /// Uses `posix_spawn` and `waitpid` rather than `Foundation.Process`: fixtures run on the
    /// cooperative thread pool, where `Process.waitUntilExit` was seen to hang, and the output goes
    /// to a file rather than a pipe, since a daemon the command starts (pg_ctl starts postgres)
    /// inherits the descriptor and a pipe would never reach end-of-file.
    ///
    /// The child gets standard input, output and error and no other descriptor of this process. SwiftNIO makes its
    /// sockets without `SOCK_CLOEXEC`, so a child (and a daemon it starts, such as postgres or redis-server, for as
    /// long as it lives) would otherwise hold a copy of every connection a test has open, and a test's `close()`
    /// would send no FIN: the peer never sees the connection end.
    @discardableResult
    public static func run(_ executable: String, _ arguments: [String]) throws -> String {
        let outputPath = FileManager.default.temporaryDirectory.appendingPathComponent("flotilla-cmd-\(UUID().uuidString)").path
        defer { unlink(outputPath) }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        #if os(Linux)
        try closeInheritedDescriptors(&actions)
        #endif

        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid = pid_t()
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        guard spawned == 0 else { throw FixtureError("could not start \(executable): \(String(cString: strerror(spawned)))") }

        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 {
            guard errno == EINTR else { throw FixtureError("waitpid failed for \(executable): errno \(errno)") }
        }
        let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        let exited = (status & 0x7f) == 0
        let code = (status >> 8) & 0xff
        guard exited, code == 0 else {
            throw FixtureError("\(executable) \(arguments.joined(separator: " ")) failed (status \(status)): \(text)")
        }
        return text
    }

    #if os(Linux)
    /// Adds to `actions` the closing of every descriptor from 3 up: with glibc's
    /// `posix_spawn_file_actions_addclosefrom_np` (2.34 and later; Swift's Glibc module does not declare it, so it is
    /// looked up by name).
    private static func closeInheritedDescriptors(_ actions: inout posix_spawn_file_actions_t) throws {
        typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        // RTLD_DEFAULT: the process's global symbols.
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") else {
            throw FixtureError("this C library has no posix_spawn_file_actions_addclosefrom_np (glibc 2.34 or later is needed)")
        }
        let result = unsafeBitCast(symbol, to: AddCloseFrom.self)(&actions, 3)
        guard result == 0 else { throw FixtureError("posix_spawn_file_actions_addclosefrom_np failed: \(String(cString: strerror(result)))") }
    }
    #endif

    /// ``run(_:_:)`` on a thread of its own (``FixtureThread``), for a test's task.
    public static func run(_ executable: String, _ arguments: [String]) async throws -> String {
        try await FixtureThread.run { try run(executable, arguments) as String }
    }

    /// A new empty temporary folder.
    public static func temporaryDirectory(prefix: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
