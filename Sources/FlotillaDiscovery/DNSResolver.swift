import Foundation

/// Resolves a service name through DNS, as Kubernetes Services are found (`inventory-service` or
/// `inventory-service.shop.svc.cluster.local`): every address the name has, on one port.
///
/// A ClusterIP Service answers with one virtual address and kube-proxy balances behind it; a headless
/// Service answers with every ready pod, which the load balancer then spreads over.
public struct DNSResolver: ServiceResolver {
    /// The port instances listen on (`DISCOVERY_DNS_PORT`, default 80).
    public var port: Int
    /// Appended to the service name when set (`.shop.svc.cluster.local`).
    public var suffix: String

    /// Creates a resolver.
    public init(port: Int = 80, suffix: String = "") {
        self.port = port
        self.suffix = suffix
    }

    public func instances(of service: String) async throws -> [DiscoveredInstance] {
        let name = service + suffix
        let port = self.port
        // getaddrinfo blocks; keep it off the cooperative pool's threads.
        return try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { try Self.resolve(name, service: service, port: port) })
            }
        }
    }

    static func resolve(_ name: String, service: String, port: Int) throws -> [DiscoveredInstance] {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(name, String(port), &hints, &list)
        guard status == 0 else { throw DiscoveryError("\(name) does not resolve: \(String(cString: gai_strerror(status)))") }
        defer { freeaddrinfo(list) }
        var seen: [String] = []
        var cursor = list
        while let entry = cursor?.pointee {
            var host = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            if getnameinfo(entry.ai_addr, entry.ai_addrlen, &host, socklen_t(host.count), nil, 0, NI_NUMERICHOST) == 0 {
                let address = String(decoding: host.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                if !seen.contains(address) { seen.append(address) }
            }
            cursor = entry.ai_next
        }
        return seen.map { DiscoveredInstance(id: "\(service)-\($0)", service: service, host: $0, port: port) }
    }
}
