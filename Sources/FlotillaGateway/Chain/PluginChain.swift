import HTTPTypes

/// The plugins that run for one route, highest Kong priority first. A plugin configured at several scopes runs once,
/// with its most specific configuration (route over service over global); consumer-scoped plugins join (or replace
/// same-named ones) once an auth plugin has identified the consumer.
final class PluginChain: Sendable {
    struct Scoped: Sendable {
        let name: String
        let priority: Int
        let plugin: any GatewayPlugin
    }

    let plugins: [Scoped]
    /// Consumer-scoped plugins by the consumer reference used in the configuration (username, custom_id or id).
    let consumerPlugins: [String: [Scoped]]

    init(plugins: [Scoped], consumerPlugins: [String: [Scoped]]) {
        self.plugins = plugins.sorted { $0.priority > $1.priority }
        self.consumerPlugins = consumerPlugins
    }

    /// Builds the chain for a route (nil when no plugin applies, so the proxy skips the async access phase).
    static func make(configuration: GatewayConfiguration, routeIndex: Int?, serviceIndex: Int?) -> PluginChain? {
        var byName: [String: (rank: Int, plugin: Scoped)] = [:]
        var consumers: [String: [Scoped]] = [:]
        for (index, entry) in configuration.plugins.enumerated() {
            guard entry.enabled, let plugin = configuration.pluginInstances[index] else { continue }
            let scoped = Scoped(name: entry.name, priority: plugin.priority, plugin: plugin)
            let rank: Int
            switch entry.scope {
            case .global: rank = 0
            case .service(let service) where service == serviceIndex: rank = 1
            case .route(let route) where route == routeIndex: rank = 2
            case .consumer(let consumer):
                consumers[consumer, default: []].append(scoped)
                continue
            default: continue
            }
            if let existing = byName[entry.name], existing.rank > rank { continue }
            byName[entry.name] = (rank, scoped)
        }
        guard !byName.isEmpty || !consumers.isEmpty else { return nil }
        return PluginChain(plugins: byName.values.map(\.plugin), consumerPlugins: consumers)
    }

    /// Runs the access phase; returns the response of the plugin that stopped the request, if one did. Also
    /// returns the plugins that ran (consumer-scoped ones included), for the later phases.
    func access(_ exchange: inout GatewayExchange) async -> (GatewayPluginResponse?, [Scoped]) {
        var queue = plugins
        var ran: [Scoped] = []
        var consumerApplied = false
        var position = 0
        while position < queue.count {
            let current = queue[position]
            position += 1
            ran.append(current)
            if let response = await current.plugin.access(&exchange) { return (response, ran) }
            if !consumerApplied, let consumer = exchange.consumer, !consumerPlugins.isEmpty {
                consumerApplied = true
                let specific = [consumer.username, consumer.customID, consumer.id].compactMap { $0 }.flatMap { consumerPlugins[$0] ?? [] }
                if !specific.isEmpty {
                    let names = Set(specific.map(\.name))
                    var rest = queue[position...].filter { !names.contains($0.name) }
                    rest += specific.filter { candidate in candidate.priority <= current.priority && !ran.contains { $0.name == candidate.name } }
                    queue = Array(queue[..<position]) + rest.sorted { $0.priority > $1.priority }
                }
            }
        }
        return (nil, ran)
    }
}
