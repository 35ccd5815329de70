import FlotillaTesting
import Foundation
import Testing

/// Real `flotilla serve` processes, talked to over HTTP.
@Suite(.serialized) struct GracefulShutdownTests {
    /// SIGTERM during a slow request: the request completes, the service turns not-ready and stops
    /// accepting, and the process exits 0.
    @Test(arguments: [SIGTERM, SIGINT])
    func aSignalLetsTheInFlightRequestFinishAndExitsZero(signal: Int32) async throws {
        let port = try FreePort.next()
        let dataDirectory = try Command.temporaryDirectory(prefix: "system-shutdown")
        // bcrypt cost 14 makes POST /users take about a second: a slow request on demand.
        let service = try ServiceProcess.start(
            ["serve", "user-service", "--port", String(port), "--data-dir", dataDirectory.path],
            port: port,
            environment: ["BCRYPT_COST": "14", "LOG_FORMAT": "json"]
        )
        defer { service.stop() }
        try await service.waitUntilReady()

        async let slow = HTTP.send(
            "POST",
            "http://127.0.0.1:\(port)/users",
            headers: ["Content-Type": "application/json"],
            body: Data(#"{"email":"slow@example.com","password":"correct horse","name":"Slow"}"#.utf8)
        )
        try await Task.sleep(for: .milliseconds(300))
        service.signal(signal)

        let reply = try await slow
        #expect(reply.status == 201, "\(reply.text)\n\(service.output)")
        let status = try await service.waitForExit()
        #expect(status == 0, "\(service.output)")
        #expect(service.output.contains("shutting down: not ready"))
        // After exit nothing listens any more.
        await #expect(throws: (any Error).self) { _ = try await HTTP.get("http://127.0.0.1:\(port)/health/live") }
    }

    @Test func aBadValueStopsTheProcessWithOneLineNamingIt() async throws {
        let service = try ServiceProcess.start(["serve", "user-service"], port: 0, environment: ["PORT": "abc"])
        defer { service.stop() }
        let status = try await service.waitForExit()
        #expect(status != 0)
        let lines = service.output.split(separator: "\n")
        #expect(lines == ["flotilla: PORT=abc is invalid: expected an integer from 0 to 65535"])
    }

    @Test func helpExplainsTheCommand() async throws {
        let service = try ServiceProcess.start(["serve", "--help"], port: 0)
        defer { service.stop() }
        #expect(try await service.waitForExit() == 0)
        #expect(service.output.contains("USAGE: flotilla serve <service>"))
        #expect(service.output.contains("DATABASE_URL"))
        #expect(service.output.contains("--data-dir"))
    }
}
