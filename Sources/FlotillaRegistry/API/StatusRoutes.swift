import FlotillaHTTP
import Hummingbird

/// `/v1/status/leader` and `/v1/status/peers`: the registry is its own one-server cluster.
struct StatusRoutes {
    let node: RegistryNode

    func register(on routes: RouteTable) {
        let server = node.address + ":8300"
        routes.get("/v1/status/leader") { _, _ in ConsulResponse.json(server) }
        routes.get("/v1/status/peers") { _, _ in ConsulResponse.json([server]) }
    }
}
