import FlotillaTesting
import Foundation
import Testing

@Suite(.serialized) struct TracingTests {
    /// An incoming `traceparent` is continued: its trace id is in the request's log line.
    @Test func theCallersTraceIDIsLogged() async throws {
        let port = try FreePort.next()
        let data = try Command.temporaryDirectory(prefix: "system-trace")
        let service = try ServiceProcess.start(
            ["serve", "user-service", "--port", String(port), "--data-dir", data.path],
            port: port,
            environment: ["LOG_FORMAT": "json"]
        )
        defer { service.stop() }
        try await service.waitUntilReady()
        let traceID = "4bf92f3577b34da6a3ce929d0e0e4736"
        let reply = try await HTTP.send(
            "GET",
            "http://127.0.0.1:\(port)/health/live",
            headers: ["traceparent": "00-\(traceID)-00f067aa0ba902b7-01", "X-Request-ID": "system-trace-1"]
        )
        #expect(reply.status == 200)
        #expect(reply.headers["x-request-id"] == "system-trace-1")
        try await Task.sleep(for: .milliseconds(200))
        let line = service.output.split(separator: "\n").first { $0.contains("\"request_id\":\"system-trace-1\"") }
        let object = try #require(line.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] })
        #expect(object["trace_id"] as? String == traceID)
        #expect(object["route"] as? String == "/health/live")
        #expect(object["status"] as? String == "200")
        #expect(object["method"] as? String == "GET")
        #expect(object["duration_ms"] != nil)
    }

    /// With `OTEL_EXPORTER_OTLP_ENDPOINT` set, spans reach the collector over OTLP/HTTP.
    @Test func spansAreExportedToTheConfiguredCollector() async throws {
        let collectorPort = try FreePort.next()
        let received = try Command.temporaryDirectory(prefix: "otlp").appendingPathComponent("requests.log")
        let collector = try await PythonServer.start(port: collectorPort, ["-c", Self.collectorScript, String(collectorPort), received.path])
        defer { collector.stop() }

        let port = try FreePort.next()
        let data = try Command.temporaryDirectory(prefix: "system-otlp")
        let service = try ServiceProcess.start(
            ["serve", "user-service", "--port", String(port), "--data-dir", data.path],
            port: port,
            environment: ["OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:\(collectorPort)"]
        )
        defer { service.stop() }
        try await service.waitUntilReady()
        _ = try await HTTP.send("GET", "http://127.0.0.1:\(port)/health/live")
        service.signal(SIGTERM)  // shutting down flushes the span batch
        #expect(try await service.waitForExit() == 0)
        let requests = (try? String(contentsOf: received, encoding: .utf8)) ?? ""
        #expect(requests.contains("POST /v1/traces application/x-protobuf"), "collector saw: \(requests)\n\(service.output)")
    }

    /// A stand-in OTLP collector (Python's http.server) that records `METHOD PATH CONTENT-TYPE BYTES` per request.
    static let collectorScript = """
        import http.server, sys
        log = open(sys.argv[2], "a", buffering=1)
        class H(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                log.write(f"POST {self.path} {self.headers.get('Content-Type')} {len(body)}\\n")
                self.send_response(200); self.send_header("Content-Length", "0"); self.end_headers()
            def log_message(self, *args): pass
        http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
        """
}
