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

    /// The plugins as ``WireAccessPlugin``s, when the whole chain can run on a plain request's bytes: each accepts it
    /// as configured, none filters response headers, one that counts requests comes after every one that may fall
    /// back, and no consumer has plugins of its own. Nil otherwise.
    let wirePlugins: [any WireAccessPlugin]?
    /// Those of ``wirePlugins`` with a log phase (``WireLogPlugin``); the others have none.
    let wireLogPlugins: [any WireLogPlugin]

    init(plugins: [Scoped], consumerPlugins: [String: [Scoped]]) {
        self.plugins = plugins.sorted { $0.priority > $1.priority }
        self.consumerPlugins = consumerPlugins
        let wire = self.plugins.compactMap { $0.plugin as? any WireAccessPlugin }
        let afterCounting = wire.firstIndex { $0.countsRequests }.map { wire[($0 + 1)...] } ?? []
        let runsOnBytes =
            consumerPlugins.isEmpty && wire.count == self.plugins.count
            && wire.allSatisfy { $0.acceptsWireAccess && !$0.filtersHeaders }
            && afterCounting.allSatisfy { $0.neverFallsBack }
        self.wirePlugins = runsOnBytes ? wire : nil
        self.wireLogPlugins = runsOnBytes ? wire.compactMap { $0 as? any WireLogPlugin } : []
    }

    /// The access phase on bytes (``wirePlugins``): what the plugins left, or nil when the request's fields would
    /// not pass unchanged or one of the plugins falls back (the usual phases then run for the request). The plugins
    /// fill `reusing`, emptied first, when it is given (a connection's state that no request refers to any more).
    func wireAccess(_ request: WireRequest, reusing spare: WireAccessState? = nil) -> WireAccessState? {
        guard let wirePlugins, request.passesFieldsUnchanged else { return nil }
        let state: WireAccessState
        if let spare {
            spare.reset(ran: plugins, logs: wireLogPlugins)
            state = spare
        } else {
            state = WireAccessState(ran: plugins, logs: wireLogPlugins)
        }
        for plugin in wirePlugins {
            guard case .proceed = plugin.wireAccess(request, state) else { return nil }
        }
        return state
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

    /// Where the access phase stands: the plugins still to run (consumer-scoped ones spliced in once a consumer is
    /// known), and the ones that ran.
    struct AccessRun: Sendable {
        fileprivate var queue: [Scoped]
        fileprivate var position = 0
        fileprivate(set) var ran: [Scoped] = []
        fileprivate var consumerApplied = false

        /// The plugins whose later phases run once `current` answered: those that ran, `current`, and those it
        /// kept from running.
        fileprivate func answered(by current: Scoped) -> [Scoped] {
            ran + [current] + queue[(position + 1)...]
        }
    }

    /// The access phase as far as it goes without suspending.
    enum AccessStep: Sendable {
        /// Every plugin ran (or one answered): the response to send instead of proxying, if any, and the plugins
        /// whose later phases run (consumer-scoped ones included). When a plugin answers, the plugins after it in the
        /// queue are among them, though their access phase did not run: Kong runs the header filter and log phases of
        /// every plugin for a short-circuited request (Kong/kong#3079), so prometheus counts a 401 or a 429.
        case finished(GatewayPluginResponse?, ran: [Scoped])
        /// A plugin needs to wait: continue with ``resume(_:_:)`` from a task.
        case suspended(AccessRun)
    }

    /// Runs the access phase on the caller's thread until it ends or a plugin has to suspend.
    func accessWithoutSuspending(_ exchange: inout GatewayExchange) -> AccessStep {
        var run = AccessRun(queue: plugins)
        while run.position < run.queue.count {
            let current = run.queue[run.position]
            switch current.plugin.accessWithoutSuspending(&exchange) {
            case .suspend:
                return .suspended(run)
            case .respond(let response):
                exchange.responseSource = .exit
                return .finished(response, ran: run.answered(by: current))
            case .proceed:
                advance(&run, past: current, exchange: exchange)
            }
        }
        return .finished(nil, ran: run.ran)
    }

    /// Finishes an access phase that suspended: the waiting plugin and every later one run asynchronously.
    func resume(_ suspended: AccessRun, _ exchange: inout GatewayExchange) async -> (GatewayPluginResponse?, [Scoped]) {
        var run = suspended
        while run.position < run.queue.count {
            let current = run.queue[run.position]
            if let response = await current.plugin.access(&exchange) {
                exchange.responseSource = .exit
                return (response, run.answered(by: current))
            }
            advance(&run, past: current, exchange: exchange)
        }
        return (nil, run.ran)
    }

    /// Runs the whole access phase (suspending where a plugin must).
    func access(_ exchange: inout GatewayExchange) async -> (GatewayPluginResponse?, [Scoped]) {
        switch accessWithoutSuspending(&exchange) {
        case .finished(let response, let ran): return (response, ran)
        case .suspended(let run): return await resume(run, &exchange)
        }
    }

    /// Moves past a plugin that let the request through; once a consumer is identified, its plugins join the queue
    /// (replacing same-named ones that have not run, and only those that rank at or below the current plugin).
    private func advance(_ run: inout AccessRun, past current: Scoped, exchange: GatewayExchange) {
        run.position += 1
        run.ran.append(current)
        guard !run.consumerApplied, let consumer = exchange.consumer, !consumerPlugins.isEmpty else { return }
        run.consumerApplied = true
        let specific = [consumer.username, consumer.customID, consumer.id].compactMap { $0 }.flatMap { consumerPlugins[$0] ?? [] }
        guard !specific.isEmpty else { return }
        let names = Set(specific.map(\.name))
        var rest = run.queue[run.position...].filter { !names.contains($0.name) }
        rest += specific.filter { candidate in candidate.priority <= current.priority && !run.ran.contains { $0.name == candidate.name } }
        run.queue = Array(run.queue[..<run.position]) + rest.sorted { $0.priority > $1.priority }
    }
}
