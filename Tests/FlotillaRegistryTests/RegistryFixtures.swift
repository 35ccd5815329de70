import FlotillaCore
import FlotillaRegistry
import Foundation
import HummingbirdTesting
import NIOCore
import Synchronization
import Testing

/// A clock the tests move by hand.
final class TestClock: Sendable {
    private let current = Mutex(Date(timeIntervalSince1970: 1_800_000_000))
    var now: Date { current.withLock { $0 } }
    func advance(_ seconds: Double) { current.withLock { $0 += seconds } }
}

/// A prober that answers what the test says, per check URL or address.
final class ScriptedProber: CheckProber {
    private let answers = Mutex<[String: CheckStatus]>([:])
    func set(_ target: String, _ status: CheckStatus) { answers.withLock { $0[target] = status } }
    func probe(_ kind: CheckKind) async -> (status: CheckStatus, output: String) {
        let target: String
        switch kind {
        case .http(let probe): target = probe.url
        case .tcp(let address, _, _): target = address
        case .ttl: return (.critical, "")
        }
        let status = answers.withLock { $0[target] } ?? .critical
        return (status, "scripted \(status.rawValue)")
    }
}

/// A registry app on a fresh (or given) data folder, started up for in-process tests.
func makeRegistry(dataDirectory: String? = nil, clock: TestClock = TestClock(), prober: ScriptedProber = ScriptedProber()) async throws -> RegistryApp
{
    let folder = dataDirectory ?? FileManager.default.temporaryDirectory.appendingPathComponent("registry-\(UUID().uuidString.prefix(8))").path
    let configuration = ServiceConfiguration(serviceName: "registry", port: 0, dataDirectory: folder, logLevel: .warning, logFormat: .json)
    let app = try RegistryApp(configuration: configuration, prober: prober, now: { clock.now })
    try await app.kit.startUp()
    return app
}

/// Runs `body` against a fresh (or given) registry in-process, then closes its store.
func withRegistry<T: Sendable>(
    dataDirectory: String? = nil,
    clock: TestClock = TestClock(),
    prober: ScriptedProber = ScriptedProber(),
    _ body: @escaping @Sendable (HealthCheckRunner, any TestClientProtocol) async throws -> T
) async throws -> T {
    let app = try await makeRegistry(dataDirectory: dataDirectory, clock: clock, prober: prober)
    let checks = app.checks
    do {
        let result = try await app.kit.makeApplication().test(.router) { client in try await body(checks, client) }
        await app.shutdown()
        return result
    } catch {
        await app.shutdown()
        throw error
    }
}

func body(_ text: String) -> ByteBuffer { ByteBuffer(string: text) }

func jsonValue(_ buffer: ByteBuffer) -> Any? {
    try? JSONSerialization.jsonObject(with: Data(buffer.readableBytesView), options: [.fragmentsAllowed])
}

func jsonArray(_ buffer: ByteBuffer) -> [[String: Any]] { (jsonValue(buffer) as? [[String: Any]]) ?? [] }
func jsonObject(_ buffer: ByteBuffer) -> [String: Any] { (jsonValue(buffer) as? [String: Any]) ?? [:] }
func text(_ buffer: ByteBuffer) -> String { String(buffer: buffer) }

/// Registers a body and expects 200.
func register(_ client: some TestClientProtocol, _ json: String, query: String = "") async throws {
    try await client.execute(uri: "/v1/agent/service/register\(query)", method: .put, body: body(json)) { response in
        #expect(response.status == .ok, "register failed: \(String(buffer: response.body))")
    }
}
