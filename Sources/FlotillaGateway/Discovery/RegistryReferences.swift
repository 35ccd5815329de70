/// Where a configuration names registry hosts (`NAME.service.consul` and Consul's other spellings, see
/// ``RegistryHostName``): Kong service hosts, Kong upstream targets and VirtualService destinations. A host a Kong
/// upstream or a ServiceEntry already defines is theirs, not the registry's.
struct RegistryReference: Sendable, Equatable {
    let name: RegistryHostName
    /// The host as the configuration spells it (lowercased).
    let host: String
    /// The field that names it, e.g. `services[0].host`.
    let field: String
    let line: Int?

    /// Every registry host `configuration` uses, in declaration order.
    static func all(in configuration: GatewayConfiguration) -> [RegistryReference] {
        var found: [RegistryReference] = []
        // The same precedence as `GatewaySnapshot`'s clusters: a Kong upstream by name, a ServiceEntry, the registry.
        func registryName(_ host: String) -> RegistryHostName? {
            guard !configuration.upstreams.contains(where: { $0.name == host }),
                !configuration.serviceEntries.contains(where: { $0.hosts.contains { HostName.matches(rule: $0, host: host) } })
            else { return nil }
            return RegistryHostName(host)
        }
        for (index, service) in configuration.services.enumerated() {
            let host = service.host.lowercased()
            if let name = registryName(host) {
                found.append(RegistryReference(name: name, host: host, field: "services[\(index)].host", line: service.line))
            }
        }
        for (index, upstream) in configuration.upstreams.enumerated() {
            for (position, target) in upstream.targets.enumerated() {
                if let name = RegistryHostName(target.host) {
                    let field = "upstreams[\(index)].targets[\(position)].target"
                    found.append(RegistryReference(name: name, host: target.host.lowercased(), field: field, line: nil))
                }
            }
        }
        for service in configuration.virtualServices {
            for (ruleIndex, rule) in service.http.enumerated() {
                for (position, destination) in rule.destinations.enumerated() {
                    if let name = registryName(destination.host) {
                        let field = "VirtualService \(service.name): http[\(ruleIndex)].route[\(position)].destination.host"
                        found.append(RegistryReference(name: name, host: destination.host, field: field, line: rule.line))
                    }
                }
            }
        }
        return found
    }

    /// The registry services `configuration` needs watched.
    static func services(in configuration: GatewayConfiguration) -> Set<RegistryService> {
        Set(all(in: configuration).map(\.name.service))
    }

    /// Throws when `configuration` names a registry host but the gateway has no registry to ask.
    static func requireRegistry(_ configuration: GatewayConfiguration, file: String) throws {
        guard let first = all(in: configuration).first else { return }
        throw GatewayConfigurationError(
            file: file,
            line: first.line,
            field: first.field,
            message: "\(first.host) is a registry name, but no registry is configured "
                + "(--registry, REGISTRY_URL or CONSUL_HTTP_ADDR)"
        )
    }
}
