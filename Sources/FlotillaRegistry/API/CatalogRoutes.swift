import FlotillaHTTP
import Hummingbird

/// `/v1/catalog/services` and `/v1/catalog/service/{name}`, both blocking queries.
struct CatalogRoutes {
    let registry: Registry
    let node: RegistryNode

    func register(on routes: RouteTable) {
        routes.get("/v1/catalog/services") { request, _ in
            try await ConsulResponse.guarded {
                try node.requireLocalDatacenter(request)
                let query = try BlockingQuery(request)
                let (index, names) = await query.run(notifier: registry.notifier, topic: .catalog) {
                    registry.read { state in (state.catalogIndex, state.serviceNames()) }
                }
                return ConsulResponse.json(names, index: index)
            }
        }
        routes.get("/v1/catalog/service/{name}") { request, context in
            try await ConsulResponse.guarded {
                let name = try ConsulResponse.parameter("name", in: context)
                let tags = ConsulQuery.values("tag", in: request.uri.query)
                try node.requireLocalDatacenter(request)
                let query = try BlockingQuery(request)
                let node = node
                let (index, entries) = await query.run(notifier: registry.notifier, topic: .service(name)) {
                    registry.read { state in
                        (state.index(forService: name), state.instances(of: name, tags: tags).map { ConsulShapes.CatalogService($0, node: node) })
                    }
                }
                return ConsulResponse.json(entries, index: index)
            }
        }
    }
}
