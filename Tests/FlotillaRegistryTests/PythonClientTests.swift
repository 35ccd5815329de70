import FlotillaTesting
import Foundation
import Testing

/// Compatibility with a stock Consul client: the PyPI package `py-consul` (module `consul`), driven
/// by `python3` against a live `flotilla registry`. Fails, never skips, when the package is missing.
@Suite struct PythonClientTests {
    static let script = """
        import sys
        try:
            import consul
        except ImportError:
            print("MISSING: the Python package py-consul is not installed; run: pip install py-consul")
            sys.exit(3)
        c = consul.Consul(host="127.0.0.1", port=int(sys.argv[1]))
        c.agent.service.register("pyweb", service_id="pyweb-1", address="127.0.0.1", port=8080, tags=["py"], check=consul.Check.ttl("10s"))
        checks = c.agent.checks()
        check_id = [k for k, v in checks.items() if v["ServiceID"] == "pyweb-1"][0]
        assert checks[check_id]["Status"] == "critical", checks
        index, nodes = c.health.service("pyweb", passing=True)
        assert nodes == [], nodes
        c.agent.check.ttl_pass(check_id, notes="ok from python")
        index2, nodes = c.health.service("pyweb", passing=True)
        assert len(nodes) == 1 and nodes[0]["Service"]["ID"] == "pyweb-1", nodes
        assert int(index2) > int(index), (index, index2)
        assert nodes[0]["Checks"][-1]["Output"] == "ok from python", nodes
        index, services = c.catalog.services()
        assert services["pyweb"] == ["py"], services
        assert c.kv.put("py/key", "value") is True
        index, data = c.kv.get("py/key")
        assert data["Value"] == b"value", data
        index, data = c.kv.get("py/missing")
        assert data is None
        assert c.status.leader() == "127.0.0.1:8300"
        c.agent.service.deregister("pyweb-1")
        assert c.agent.services() == {}
        print("OK")
        """

    @Test func pyConsulRegistersPassesReadsAndUsesKV() async throws {
        let port = try FreePort.next()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("registry-py-\(UUID().uuidString.prefix(8))").path
        let registry = try ServiceProcess.start(
            ["registry", "--port", String(port), "--data-dir", folder],
            port: port,
            environment: ["LOG_LEVEL": "warning"]
        )
        defer { registry.signal(SIGTERM) }
        try await registry.waitUntilReady()

        let scriptFile = FileManager.default.temporaryDirectory.appendingPathComponent("py-consul-\(UUID().uuidString.prefix(8)).py")
        try Self.script.write(to: scriptFile, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", scriptFile.path, String(port)]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        do {
            try process.run()
        } catch {
            Issue.record("python3 could not be started (\(error)); install Python 3 and `pip install py-consul`")
            return
        }
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(!output.contains("MISSING"), "\(output)")
        #expect(process.terminationStatus == 0 && output.contains("OK"), "py-consul run failed:\n\(output)\nregistry log:\n\(registry.output)")
    }
}
