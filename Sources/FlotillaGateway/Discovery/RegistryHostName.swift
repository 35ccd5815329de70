import FlotillaDiscovery

/// A host name the registry answers, spelled as Consul's DNS interface spells them: `NAME.service.consul` for the
/// passing instances of service NAME, `TAG.NAME.service.consul` for those of them carrying TAG.
struct RegistryHostName: Sendable, Hashable {
    static let suffix = ".service.consul"

    /// The service name, lowercased.
    let service: String
    /// The tag an instance must carry, if any.
    let tag: String?

    /// Parses `host`; nil when it is not a registry name.
    init?(_ host: String) {
        let lowered = host.lowercased()
        guard lowered.hasSuffix(Self.suffix) else { return nil }
        let labels = lowered.dropLast(Self.suffix.count).split(separator: ".", omittingEmptySubsequences: false)
        guard !labels.contains(where: \.isEmpty) else { return nil }
        switch labels.count {
        case 1:
            service = String(labels[0])
            tag = nil
        case 2:
            service = String(labels[1])
            tag = String(labels[0])
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
    static func expand(_ targets: [UpstreamTarget], with discovered: [String: [DiscoveredInstance]]) -> [UpstreamTarget] {
        guard targets.contains(where: { RegistryHostName($0.host) != nil }) else { return targets }
        return targets.flatMap { target -> [UpstreamTarget] in
            guard let name = RegistryHostName(target.host) else { return [target] }
            return name.targets(from: discovered[name.service] ?? [])
        }
    }
}
