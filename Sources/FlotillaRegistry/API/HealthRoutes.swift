import FlotillaHTTP
import Hummingbird

/// `/v1/health/service/{name}`, `/v1/health/checks/{name}`, `/v1/health/state/{state}`: blocking queries.
struct HealthRoutes {
    let registry: Registry
    let node: RegistryNode
    let cache = ResponseCache()

    /// What a read under the lock found: bytes already rendered at this index, or entries to render.
    enum Answer: Sendable {
        case cached(ByteBuffer)
        case fresh([ConsulShapes.ServiceEntry])
    }

    func register(on routes: RouteTable) {
        routes.get("/v1/health/service/{name}") { request, context in
            try await ConsulResponse.guarded {
                let name = try ConsulResponse.parameter("name", in: context)
                let passingOnly = try ConsulResponse.flag("passing", in: request)
                let tags = ConsulQuery.values("tag", in: request.uri.query)
                try node.requireLocalDatacenter(request)
                let query = try BlockingQuery(request)
                let node = node
                let cache = cache
                let key = "\(passingOnly ? "p" : "a")\u{0}\(tags.joined(separator: "\u{0}"))\u{0}\(name)"
                let (index, answer) = await query.run(notifier: registry.notifier, topic: .service(name)) {
                    registry.read { state -> (UInt64, Answer) in
                        let index = state.index(forService: name)
                        if let body = cache.body(for: key, at: index) { return (index, .cached(body)) }
                        return (index, .fresh(Self.entries(state, name: name, tags: tags, passingOnly: passingOnly, node: node)))
                    }
                }
                switch answer {
                case .cached(let body):
                    return ConsulResponse.json(encoded: body, index: index)
                case .fresh(let entries):
                    let body = ConsulResponse.encoded(entries)
                    cache.store(body, for: key, at: index)
                    return ConsulResponse.json(encoded: body, index: index)
                }
            }
        }
        routes.get("/v1/health/checks/{name}") { request, context in
            try await ConsulResponse.guarded {
                let name = try ConsulResponse.parameter("name", in: context)
                try node.requireLocalDatacenter(request)
                let query = try BlockingQuery(request)
                let node = node
                let (index, checks) = await query.run(notifier: registry.notifier, topic: .service(name)) {
                    registry.read { state in
                        (
                            state.index(forService: name),
                            state.instances(of: name).flatMap { instance in
                                state.checks(ofInstance: instance.id).map { ConsulShapes.Check($0, tags: instance.tags, node: node) }
                            }
                        )
                    }
                }
                return ConsulResponse.json(checks, index: index)
            }
        }
        routes.get("/v1/health/state/{state}") { request, context in
            try await ConsulResponse.guarded {
                let text = try ConsulResponse.parameter("state", in: context)
                let status: CheckStatus?
                switch text {
                case "any": status = nil
                case "passing", "warning", "critical": status = CheckStatus(rawValue: text)
                default: throw ConsulError(.badRequest, "Invalid check state")
                }
                try node.requireLocalDatacenter(request)
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
            entries.append(
                .init(
                    Node: nodeShape,
                    Service: .init(instance, node: node),
                    Checks: [serf] + checks.map { ConsulShapes.Check($0, tags: instance.tags, node: node) }
                )
            )
        }
        return entries
    }
}
