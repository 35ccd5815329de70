import FlotillaDiscovery

/// A host name the registry answers, in each spelling of a service lookup that Consul's DNS interface answers in the
/// `consul` domain (case-insensitive; a fully qualified name's trailing dot is allowed):
///
/// - `NAME.service.consul`: the passing instances of service NAME; `TAG.NAME.service.consul`: those carrying TAG;
/// - `_NAME._TAG.service.consul` (RFC 2782), where the tag `_tcp` means no tag filter, as in Consul;
/// - each of them with a datacenter after `service`: `NAME.service.DC.consul` or `NAME.service.DC.dc.consul`.
///
/// Anything else (an empty label, a dotted tag, `service` with nothing before it, namespace, partition or peer labels,
/// a node or prepared-query lookup) is not a registry name: it stays an ordinary DNS name.
struct RegistryHostName: Sendable, Hashable {
    /// The service to ask the registry for, with the datacenter the name gives.
    let service: RegistryService
    /// The tag an instance must carry, if any (lowercased).
    let tag: String?

    /// The labels that say which kind of lookup a Consul name is; Consul takes the rightmost one.
    private static let lookupKinds: Set<Substring> = ["service", "connect", "virtual", "ingress", "node", "query", "addr"]

    /// Parses `host`; nil when it is not a registry name.
    init?(_ host: String) {
        var lowered = host.lowercased()
        if lowered.hasSuffix(".") { lowered.removeLast() }
        let labels = lowered.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 3, labels.last == "consul", !labels.contains(where: \.isEmpty) else { return nil }
        let name = labels.dropLast()
        guard let kind = name.lastIndex(where: { Self.lookupKinds.contains($0) }), name[kind] == "service" else { return nil }
        // After `service`: nothing (the registry's own datacenter), `DC` or `DC.dc`.
        let locality = name[(kind + 1)...]
        let datacenter: String?
        switch (locality.count, locality.last) {
        case (0, _): datacenter = nil
        case (1, _), (2, "dc"): datacenter = locality.first.map(String.init)
        default: return nil
        }
        guard let (service, tag) = Self.serviceAndTag(name[..<kind]) else { return nil }
        self.service = RegistryService(name: service, datacenter: datacenter)
        self.tag = tag
    }

    /// What precedes `service`: `NAME`, `TAG.NAME` or `_NAME._TAG`; nil when it is anything else.
    private static func serviceAndTag(_ labels: ArraySlice<Substring>) -> (String, String?)? {
        let labels = Array(labels)
        switch labels.count {
        case 1:
            return (String(labels[0]), nil)
        case 2 where labels[0].hasPrefix("_") && labels[1].hasPrefix("_"):
            let service = labels[0].dropFirst()
            let tag = labels[1].dropFirst()
            guard !service.isEmpty else { return nil }
            return (String(service), tag == "tcp" || tag.isEmpty ? nil : String(tag))
        case 2:
            return (String(labels[1]), String(labels[0]))
        default:
            return nil
        }
    }

    /// The instances this name selects, as upstream targets: address and port from the registry, weight 100 per unit
    /// of Consul's `Weights.Passing` (so the default 1 is Kong's default target weight, 100; at most 65535),
    /// labels from the instance's meta plus its `key=value` tags (meta wins), so DestinationRule subsets select by
    /// meta.
    func targets(from instances: [DiscoveredInstance]) -> [UpstreamTarget] {
        instances
            .filter { instance in tag.map { tag in instance.tags.contains { $0.lowercased() == tag } } ?? true }
            .map { instance in
                var labels: [String: String] = [:]
                for tag in instance.tags {
                    guard let separator = tag.firstIndex(of: "=") else { continue }
                    labels[String(tag[..<separator])] = String(tag[tag.index(after: separator)...])
                }
                labels.merge(instance.meta) { _, meta in meta }
                let weight = min(max(instance.weight, 0), 655) * 100
                return UpstreamTarget(host: instance.host, port: instance.port, weight: weight, labels: labels)
            }
    }

    /// Kong upstream targets with each registry-named target replaced by the instances it selects.
    static func expand(_ targets: [UpstreamTarget], with discovered: [RegistryService: [DiscoveredInstance]]) -> [UpstreamTarget] {
        guard targets.contains(where: { RegistryHostName($0.host) != nil }) else { return targets }
        return targets.flatMap { target -> [UpstreamTarget] in
            guard let name = RegistryHostName(target.host) else { return [target] }
            return name.targets(from: discovered[name.service] ?? [])
        }
    }
}
