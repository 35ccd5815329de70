import Foundation
import HTTPTypes
import Synchronization
import Yams

/// Kong's correlation-id plugin `config`: `header_name` (`Kong-Request-ID`), `generator` (`uuid#counter`; also
/// `uuid`, `tracker`), `echo_downstream` (false).
struct CorrelationIDPluginConfiguration: Sendable, Hashable {
    var headerName = "Kong-Request-ID"
    var generator = "uuid#counter"
    var echoDownstream = false

    init(_ node: Yams.Node?) throws {
        let config = try PluginConfigReader(node)
        try config.rejectUnknownFields(["header_name", "generator", "echo_downstream"])
        headerName = try config.string("header_name", default: headerName)
        if HTTPFieldNames.make(headerName) == nil { throw config.error("header_name", "'\(headerName)' is not a valid header name") }
        generator = try config.oneOf("generator", ["uuid", "uuid#counter", "tracker"], default: generator)
        echoDownstream = try config.bool("echo_downstream", default: false)
    }
}

/// Kong's `correlation-id` plugin: keeps the request's id header or sets a new one upstream, and echoes it in the
/// response when `echo_downstream`.
struct CorrelationIDPlugin: SynchronousGatewayPlugin {
    let name = "correlation-id"
    let priority = 100_001
    let configuration: CorrelationIDPluginConfiguration
    let header: HTTPField.Name
    private let generator: CorrelationIDGenerator

    init(configuration: CorrelationIDPluginConfiguration) {
        self.configuration = configuration
        self.header = HTTPFieldNames.make(configuration.headerName)!
        self.generator = CorrelationIDGenerator()
    }

    func accessSynchronously(_ exchange: inout GatewayExchange) -> GatewayPluginResponse? {
        if let existing = exchange.request.headerFields[header], !existing.isEmpty { return nil }
        exchange.request.headerFields[header] = generator.next(configuration.generator, clientAddress: exchange.clientAddress)
        return nil
    }

    func headerFilter(_ exchange: GatewayExchange, response: inout HTTPResponse) {
        guard configuration.echoDownstream, let id = exchange.request.headerFields[header] else { return }
        response.headerFields[header] = id
    }
}

/// Makes ids as Kong's generators do: `uuid` (random v4), `uuid#counter` (a UUID fixed per process, then `#` and a
/// counter), `tracker` (client address, process id, counter and time).
final class CorrelationIDGenerator: Sendable {
    private let base = UUID().uuidString.lowercased()
    private let counter = Atomic<Int>(0)

    func next(_ kind: String, clientAddress: String) -> String {
        switch kind {
        case "uuid":
            return UUID().uuidString.lowercased()
        case "tracker":
            let count = counter.wrappingAdd(1, ordering: .relaxed).newValue
            let now = Date().timeIntervalSince1970
            return "\(clientAddress)-\(getpid())-\(count)-\(String(format: "%.3f", now))"
        default:
            let count = counter.wrappingAdd(1, ordering: .relaxed).newValue
            return "\(base)#\(count)"
        }
    }
}
