import Foundation

/// Chooses how a process finds its peers, from the environment.
///
/// `DISCOVERY_MODE` is `registry` (the default when `REGISTRY_URL` or `CONSUL_HTTP_ADDR` is set),
/// `static` (`<SERVICE>_URLS` lists, the default otherwise) or `dns` (Kubernetes Service names, on
/// `DISCOVERY_DNS_PORT`, default 80, with an optional `DISCOVERY_DNS_SUFFIX`).
public enum Discovery {
    /// The discovery modes.
    public enum Mode: String, Sendable, CaseIterable {
        case registry, `static`, dns
    }

    /// The resolver the environment asks for. `services` are the peers a registry resolver watches.
    public static func resolver(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        services: [String]
    ) throws(DiscoveryError) -> any ServiceResolver {
        let registryURL = RegistryClient.url(fromEnvironment: environment)
        let modeText = environment["DISCOVERY_MODE"] ?? (registryURL == nil ? "static" : "registry")
        guard let mode = Mode(rawValue: modeText.lowercased()) else {
            throw DiscoveryError("DISCOVERY_MODE=\(modeText) is invalid: expected registry, static or dns")
        }
        switch mode {
        case .registry:
            guard let registryURL else {
                throw DiscoveryError("DISCOVERY_MODE=registry needs REGISTRY_URL (or CONSUL_HTTP_ADDR), e.g. http://127.0.0.1:8500")
            }
            return RegistryResolver(client: RegistryClient(baseURL: registryURL), services: services)
        case .static:
            return try StaticResolver.fromEnvironment(environment)
        case .dns:
            let portText = environment["DISCOVERY_DNS_PORT"] ?? "80"
            guard let port = Int(portText), (1...65535).contains(port) else {
                throw DiscoveryError("DISCOVERY_DNS_PORT=\(portText) is invalid: expected an integer from 1 to 65535")
            }
            return DNSResolver(port: port, suffix: environment["DISCOVERY_DNS_SUFFIX"] ?? "")
        }
    }
}
