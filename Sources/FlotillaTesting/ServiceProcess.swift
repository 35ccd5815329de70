import Foundation

/// A real `flotilla` process started by a test, with its output kept in a file.
///
/// ```swift
/// let service = try ServiceProcess.start(["serve", "user-service", "--port", "0"], port: port)
/// try await service.waitUntilReady()
/// service.signal(SIGTERM)
/// let status = try await service.waitForExit()
/// ```
public final class ServiceProcess: @unchecked Sendable {
    // `@unchecked Sendable`: `Process` is not Sendable, but every property here is a `let` set
    // before the process starts, and `Process`'s own accessors used here (pid, isRunning,
    // terminationStatus) are thread-safe reads of state its monitor thread publishes.
    /// The port the service listens on.
    public let port: Int
    /// Where the process's stdout and stderr go.
    public let logFile: URL
    private let process: Process

    private init(process: Process, port: Int, logFile: URL) {
        self.process = process
        self.port = port
        self.logFile = logFile
    }

    /// The built `flotilla` executable: `FLOTILLA_BINARY`, else beside the test bundle in `.build/<config>/`.
    public static func flotillaBinary() throws -> String {
        if let configured = ProcessInfo.processInfo.environment["FLOTILLA_BINARY"] { return configured }
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = folder.appendingPathComponent("flotilla").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            folder.deleteLastPathComponent()
        }
        throw FixtureError("the flotilla executable was not found beside \(CommandLine.arguments[0]); run swift build first or set FLOTILLA_BINARY")
    }

    /// Starts `flotilla <arguments>` with `environment` added to this process's.
    public static func start(_ arguments: [String], port: Int, environment: [String: String] = [:]) throws -> ServiceProcess {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try flotillaBinary())
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let logFile = FileManager.default.temporaryDirectory.appendingPathComponent("flotilla-\(UUID().uuidString.prefix(8)).log")
        _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        let handle = try FileHandle(forWritingTo: logFile)
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return ServiceProcess(process: process, port: port, logFile: logFile)
    }

    /// What the process printed so far.
    public var output: String { (try? String(contentsOf: logFile, encoding: .utf8)) ?? "" }

    /// Polls `GET /health/ready` until it answers 200, or throws after `timeout`.
    public func waitUntilReady(timeout: Duration = .seconds(30)) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            guard process.isRunning else { throw FixtureError("the service exited early: \(output)") }
            if let (status, _) = try? await HTTP.get("http://127.0.0.1:\(port)/health/ready"), status == 200 { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw FixtureError("the service was not ready within \(timeout): \(output)")
    }

    /// Sends `signal` (SIGTERM, SIGINT, SIGKILL) to the process.
    public func signal(_ signal: Int32) { kill(process.processIdentifier, signal) }

    /// Waits for the process to exit and returns its exit status.
    public func waitForExit(timeout: Duration = .seconds(30)) async throws -> Int32 {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            guard ContinuousClock.now < deadline else { throw FixtureError("the service did not exit within \(timeout)") }
            try await Task.sleep(for: .milliseconds(20))
        }
        return process.terminationStatus
    }

    /// Kills the process if it still runs.
    public func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }
}
