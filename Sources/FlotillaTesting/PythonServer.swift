import Foundation
import NIOCore
import NIOPosix

/// A Python program serving on a local port for a test: a stock server nobody here wrote (`http.server`, the
/// `websockets` library). Started with its output discarded (a leftover holder of the test runner's pipes keeps
/// `swift test` waiting), ready once its port accepts a connection, stopped with SIGKILL: a child of the test
/// runner inherits a blocked SIGTERM and would outlive the run.
public final class PythonServer: Sendable {
    public let port: Int
    private let process: Process

    private init(port: Int, process: Process) {
        self.port = port
        self.process = process
    }

    /// Runs `python3 <arguments>` and waits until `port` accepts connections.
    public static func start(port: Int, _ arguments: [String], timeout: Duration = .seconds(15)) async throws -> PythonServer {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let server = PythonServer(port: port, process: process)
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline, process.isRunning {
            if let channel = try? await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connect(host: "127.0.0.1", port: port).get()
            {
                try? await channel.close()
                return server
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        server.stop()
        throw FixtureError("python3 \(arguments.first ?? "") did not listen on \(port) within \(timeout)")
    }

    /// Kills the process and waits for it.
    public func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }
}
