import Foundation

/// Fixed instances per service, from configuration: `INVENTORY_SERVICE_URLS=http://127.0.0.1:9002,http://127.0.0.1:9012`.
public struct StaticResolver: ServiceResolver {
    /// The instances per service name.
    public let table: [String: [DiscoveredInstance]]

    /// Creates a resolver from base URLs per service (`http://host:port`); a malformed URL is an error naming it.
    public init(urls: [String: [String]]) throws(DiscoveryError) {
        var table: [String: [DiscoveredInstance]] = [:]
        for (service, list) in urls {
            table[service] = try list.enumerated().map { (index, url) throws(DiscoveryError) in
                guard let (host, port) = Self.hostAndPort(url) else {
                    throw DiscoveryError("\(service): \(url) is not a URL such as http://127.0.0.1:9002")
                }
                return DiscoveredInstance(id: "\(service)-\(index)", service: service, host: host, port: port)
            }
        }
        self.table = table
    }

    /// Reads `<SERVICE>_URLS` variables (`inventory-service` → `INVENTORY_SERVICE_URLS`, comma-separated).
    public static func fromEnvironment(_ environment: [String: String]) throws(DiscoveryError) -> StaticResolver {
        var urls: [String: [String]] = [:]
        for (name, value) in environment where name.hasSuffix("_URLS") {
            let service = name.dropLast("_URLS".count).lowercased().replacingOccurrences(of: "_", with: "-")
            urls[service] = value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        return try StaticResolver(urls: urls)
    }

    public func instances(of service: String) async throws -> [DiscoveredInstance] {
        table[service] ?? []
    }

    static func hostAndPort(_ url: String) -> (String, Int)? {
        for (scheme, defaultPort) in [("http://", 80), ("https://", 443)] where url.hasPrefix(scheme) {
            let authority = url.dropFirst(scheme.count).prefix { $0 != "/" }
            if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
                let host = String(authority[authority.index(after: authority.startIndex)..<close])
                let rest = authority[authority.index(after: close)...]
                guard rest.isEmpty || rest.hasPrefix(":") else { return nil }
                let port = rest.isEmpty ? defaultPort : Int(rest.dropFirst())
                return port.flatMap { (1...65535).contains($0) ? (host, $0) : nil }
            }
            let parts = authority.split(separator: ":", omittingEmptySubsequences: false)
            guard let host = parts.first, !host.isEmpty, parts.count <= 2 else { return nil }
            let port = parts.count == 2 ? Int(parts[1]) : defaultPort
            return port.flatMap { (1...65535).contains($0) ? (String(host), $0) : nil }
        }
        return nil
    }
}
