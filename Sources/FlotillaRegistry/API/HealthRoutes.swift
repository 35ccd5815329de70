import FlotillaHTTP
import Hummingbird

/// `/v1/health/service/{name}`, `/v1/health/checks/{name}`, `/v1/health/state/{state}`: blocking queries.
struct HealthRoutes {
    let registry: Registry
    let node: RegistryNode

    func register(on routes: RouteTable) {
        routes.get("/v1/health/service/{name}") { request, context in
            try await ConsulResponse.guarded {
                let name = try context.parameters.require("name")
                let passingOnly = try ConsulResponse.flag("passing", in: request)
                let tags = ConsulQuery.values("tag", in: request.uri.query)
                let query = try BlockingQuery(request)
                let node = node
                let (index, entries) = await query.run(notifier: registry.notifier, topic: .service(name)) {
                    registry.read { state in
                        (state.index(forService: name), Self.entries(state, name: name, tags: tags, passingOnly: passingOnly, node: node))
                    }
                }
                return ConsulResponse.json(entries, index: index)
            }
        }
        routes.get("/v1/health/checks/{name}") { request, context in
            try await ConsulResponse.guarded {
                let name = try context.parameters.require("name")
                let query = try BlockingQuery(request)
                let node = node
                let (index, checks) = await query.run(notifier: registry.notifier, topic: .service(name)) {
                    registry.read { state in
                        (state.index(forService: name), state.instances(of: name).flatMap { instance in
                            state.checks(ofInstance: instance.id).map { ConsulShapes.Check($0, tags: instance.tags, node: node) }
                        })
                    }
                }
                return ConsulResponse.json(checks, index: index)
            }
        }
        routes.get("/v1/health/state/{state}") { request, context in
            try await ConsulResponse.guarded {
                let text = try context.parameters.require("state")
                let status: CheckStatus?
                switch text {
                case "any": status = nil
                case "passing", "warning", "critical": status = CheckStatus(rawValue: text)
                default: throw ConsulError(.badRequest, "Invalid check state")
                }
                let query = try BlockingQuery(request)
                let node = node
                let (index, checks) = await query.run(notifier: registry.notifier, topic: .catalog) {
                    registry.read { state in
                        var checks = state.checks(in: status).map { check in
                            ConsulShapes.Check(check, tags: state.services[check.serviceID]?.tags ?? [], node: node)
                        }
                        if status == nil || status == .passing { checks.insert(.serfHealth(node: node), at: 0) }
                        return (state.catalogIndex, checks)
                    }
                }
                return ConsulResponse.json(checks, index: index)
            }
        }
    }

    /// The `{Node, Service, Checks}` entries of `name`; with `passingOnly`, only instances whose checks all pass.
    static func entries(_ state: CatalogState, name: String, tags: [String], passingOnly: Bool, node: RegistryNode) -> [ConsulShapes.ServiceEntry] {
        let nodeShape = ConsulShapes.Node(node)
        let serf = ConsulShapes.Check.serfHealth(node: node)
        var entries: [ConsulShapes.ServiceEntry] = []
        for instance in state.instances(of: name, tags: tags) {
            let checks = state.checks(ofInstance: instance.id)
            if passingOnly, checks.contains(where: { $0.state.status != .passing }) { continue }
            entries.append(.init(
                Node: nodeShape,
                Service: .init(instance, node: node),
                Checks: [serf] + checks.map { ConsulShapes.Check($0, tags: instance.tags, node: node) }
            ))
        }
        return entries
    }
}
