import AsyncHTTPClient
import FlotillaDiscovery
import FlotillaTesting
import Foundation
import NIOConcurrencyHelpers
import NIOCore

@testable import FlotillaGateway

/// A real `flotilla registry` process on a free port with a client for it.
struct RegistryHarness {
    let process: ServiceProcess
    let client: RegistryClient
    let folder: String
    var url: String { "http://127.0.0.1:\(process.port)" }

    static func start() async throws -> RegistryHarness {
        let port = try FreePort.next()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gateway-registry-\(UUID().uuidString.prefix(8))").path
        let process = try ServiceProcess.start(
            ["registry", "--port", String(port), "--data-dir", folder],
            port: port,
            environment: ["LOG_LEVEL": "warning"]
        )
        do {
            try await process.waitUntilReady()
        } catch {
            process.stop()
            throw error
        }
        // A short timeout: with the registry gone, AsyncHTTPClient retries connecting until the request's deadline.
        return RegistryHarness(process: process, client: RegistryClient(baseURL: "127.0.0.1:\(port)", timeout: .seconds(2)), folder: folder)
    }

    /// Registers `upstream` as an instance of `service` with a TTL check, and marks the check passing.
    func register(_ upstream: TestUpstream, as service: String, tags: [String] = [], meta: [String: String] = [:]) async throws {
        let registration = InstanceRegistration(
            id: upstream.name,
            name: service,
            address: "127.0.0.1",
            port: upstream.port,
            tags: tags,
            meta: meta,
            check: .ttl(.seconds(120))
        )
        try await client.register(registration)
        try await client.pass(checkID: registration.checkID, note: "up")
    }

    /// Registers with Consul's agent API directly, with `Weights` (which `InstanceRegistration` does not carry) and a
    /// passing TTL check.
    func register(_ upstream: TestUpstream, as service: String, passingWeight: Int) async throws {
        let body = """
            {"ID": "\(upstream.name)", "Name": "\(service)", "Address": "127.0.0.1", "Port": \(upstream.port),
             "Weights": {"Passing": \(passingWeight), "Warning": 1},
             "Check": {"CheckID": "service:\(upstream.name)", "TTL": "120s", "Status": "passing"}}
            """
        let reply = try await HTTPClient.shared.send(.PUT, "\(url)/v1/agent/service/register", body: body)
        guard reply.status == 200 else { throw FixtureError("register answered \(reply.status): \(reply.body)") }
    }

    /// Turns the instance's TTL check critical (`PUT /v1/agent/check/fail/...`).
    func fail(_ upstream: TestUpstream) async throws {
        let reply = try await HTTPClient.shared.send(.PUT, "\(url)/v1/agent/check/fail/service%3A\(upstream.name)?note=down")
        guard reply.status == 200 else { throw FixtureError("check/fail answered \(reply.status): \(reply.body)") }
    }

    func stop() {
        process.signal(SIGTERM)
        process.stop()
        try? FileManager.default.removeItem(atPath: folder)
    }
}

/// A gateway in-process (like ``GatewayFixture``) whose runtime uses a registry, with ``RegistryTargets`` running.
struct RegistryGateway {
    let fixture: GatewayFixture
    let watcher: Task<Void, Never>
    let reports: NIOLockedValueBox<[String]>
    var base: String { fixture.base }
    var runtime: GatewayRuntime { fixture.server.runtime }

    static func start(_ yaml: String, registry: RegistryHarness, threads: Int = 1) async throws -> RegistryGateway {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("gateway-\(UUID().uuidString).yaml").path
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        let configuration = try GatewayConfigurationLoader.load(path: path)
        let runtime = GatewayRuntime(GatewaySnapshot(configuration), configurationPath: path, usesRegistry: true)
        let server = GatewayServer(
            runtime: runtime,
            options: GatewayServerOptions(
                host: "127.0.0.1",
                port: 0,
                threads: threads,
                dataPlane: .forTests,
                sendsThroughIOUring: GatewayServerOptions.sendsThroughIOUringForTests
            )
        )
        let channel = try await server.start()
        let fixture = GatewayFixture(server: server, channel: channel, port: channel.localAddress!.port!, configurationPath: path)
        let reports = NIOLockedValueBox<[String]>([])
        let targets = RegistryTargets(runtime: runtime, client: registry.client, wait: .seconds(5)) { line in
            reports.withLockedValue { $0.append(line) }
        }
        return RegistryGateway(fixture: fixture, watcher: Task { await targets.run() }, reports: reports)
    }

    func stop() async throws {
        watcher.cancel()
        await watcher.value
        try await fixture.stop()
    }
}

/// Polls `condition` until it holds, failing after `timeout`.
func eventually(
    _ what: String,
    timeout: Duration = .seconds(15),
    _ condition: @Sendable () async throws -> Bool
) async throws {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(50))
    }
    throw FixtureError("timed out after \(timeout) waiting for: \(what)")
}

extension HTTPClient {
    /// The `x-upstream` names of `count` GET requests (nil for a reply without one, e.g. a gateway error).
    func upstreams(_ url: String, count: Int, headers: [(String, String)] = []) async throws -> [String?] {
        var names: [String?] = []
        for _ in 0..<count { names.append(try await send(.GET, url, headers: headers).headers.first(name: "x-upstream")) }
        return names
    }
}
