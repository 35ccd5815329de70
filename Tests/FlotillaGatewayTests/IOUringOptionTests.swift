import AsyncHTTPClient
import FlotillaTesting
import Foundation
import Testing

/// `flotilla gateway --io-uring on|off`, as a user runs it: a bad value is refused with one clear message, and the
/// real process reports in `/status` how its epoll plane sends, proxying either way.
@Suite struct IOUringOptionTests {
    @Test("--io-uring takes on or off; another value is refused naming the option and its values")
    func badValue() async throws {
        let gateway = try ServiceProcess.start(["gateway", "--config", "/dev/null", "--io-uring", "maybe"], port: 0)
        #expect(try await gateway.waitForExit() == 64)
        #expect(gateway.output.contains("The value 'maybe' is invalid for '--io-uring <io-uring>'"), "\(gateway.output)")
        #expect(gateway.output.contains("'on' and 'off'"), "\(gateway.output)")
    }

    #if canImport(Glibc)
    @Test("the real process sends through io_uring by default and by send(2) with --io-uring off, proxying either way", arguments: ["on", "off"])
    func realProcess(mode: String) async throws {
        let upstream = try await TestUpstream.start(name: "up")
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("gateway-\(UUID().uuidString).yaml").path
        try """
        _format_version: "3.0"
        services:
          - name: backend
            url: http://127.0.0.1:\(upstream.port)
            routes:
              - name: all
                paths: [/]
        """.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let port = try FreePort.next()
        let adminPort = try FreePort.next()
        let flags = mode == "off" ? ["--io-uring", "off"] : []
        let gateway = try ServiceProcess.start(
            ["gateway", "--config", path, "--host", "127.0.0.1", "--port", String(port), "--admin-port", String(adminPort)] + flags,
            port: port
        )
        defer { gateway.stop() }
        try await gateway.waitUntilReady()  // proxied to the upstream, which answers every path
        let reply = try await HTTPClient.shared.send(.GET, "http://127.0.0.1:\(port)/x")
        #expect(reply.status == 200)
        let status = try await HTTPClient.shared.send(.GET, "http://127.0.0.1:\(adminPort)/status")
        #expect(status.json["epoll_sends"] as? String == (mode == "on" ? "io_uring" : "send"), "\(status.body)")
        try await upstream.stop()
    }
    #endif
}
