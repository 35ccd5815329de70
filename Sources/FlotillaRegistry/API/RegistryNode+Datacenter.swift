import Hummingbird

extension RegistryNode {
    /// Throws what Consul answers to a read whose `?dc=` names a datacenter it has no route to (500 `No path to
    /// datacenter`): the registry is one datacenter with no federation, so any `dc` other than its own (or empty).
    func requireLocalDatacenter(_ request: Request) throws(ConsulError) {
        guard let requested = ConsulQuery.value("dc", in: request.uri.query), !requested.isEmpty, requested != datacenter else { return }
        throw ConsulError.noPathToDatacenter
    }
}
