import FlotillaDiscovery
import NIOCore

/// One loaded configuration compiled for the data plane: Kong routes in evaluation order, services with their
/// clusters, VirtualServices. Immutable; a reload builds a new snapshot and swaps it in.
public final class GatewaySnapshot: Sendable {
    public let configuration: GatewayConfiguration
    let routes: [CompiledRoute]
    let services: [ServicePlan]
    let clusters: [String: Cluster]
    /// VirtualServices by the hosts they declare, for requests that no Kong route takes.
    let virtualServices: [CompiledVirtualService]
    /// Plugin chains by Kong route index; `globalChain` for requests routed by a VirtualService alone.
    let chains: [Int: PluginChain]
    let globalChain: PluginChain?

    /// A Kong service with the cluster its host names, and the VirtualService for that host, if any.
    final class ServicePlan: Sendable {
        let service: KongService
        let cluster: Cluster
        let virtualService: CompiledVirtualService?
        /// The Host field sent upstream unless a route preserves the client's (`host` or `host:port`).
        let hostHeader: String

        init(service: KongService, cluster: Cluster, virtualService: CompiledVirtualService?, hostHeader: String) {
            self.service = service
            self.cluster = cluster
            self.virtualService = virtualService
            self.hostHeader = hostHeader
        }
    }

    /// Compiles `configuration`; registry hosts (`NAME.service.consul`) get the instances in `discovered` (by service
    /// and datacenter; a service not there yet has no endpoints).
    public init(_ configuration: GatewayConfiguration, discovered: [RegistryService: [DiscoveredInstance]] = [:]) {
        self.configuration = configuration
        self.routes = configuration.routes.enumerated().map { CompiledRoute(index: $0.offset, route: $0.element) }
            .sorted { $0.precedes($1) }
        var clusters: [String: Cluster] = [:]
        func rule(for host: String) -> DestinationRule? {
            configuration.destinationRules.first { HostName.matches(rule: $0.host, host: host) }
        }
        func cluster(host: String, port: Int) -> Cluster {
            if let existing = clusters[host] ?? clusters["\(host):\(port)"] { return existing }
            if let upstream = configuration.upstreams.first(where: { $0.name == host }) {
                let balancer: TrafficPolicy.LoadBalancer
                switch upstream.algorithm {
                case .roundRobin: balancer = .roundRobin
                case .leastConnections: balancer = .leastRequest
                case .consistentHashing:
                    switch upstream.hashOn {
                    case "header": balancer = .consistentHash(.header(upstream.hashOnHeader?.lowercased() ?? ""))
                    case "path": balancer = .consistentHash(.path)
                    case "consumer": balancer = .consistentHash(.consumer)
                    case "query_arg": balancer = .consistentHash(.queryParameter(upstream.hashOnQueryArg ?? ""))
                    case "ip": balancer = .consistentHash(.sourceIP)
                    // Kong: with hash_on none, consistent-hashing hashes nothing and acts as weighted round-robin.
                    default: balancer = .roundRobin
                    }
                }
                let made = Cluster(
                    name: host,
                    endpoints: RegistryHostName.expand(upstream.targets, with: discovered),
                    rule: rule(for: host),
                    kongBalancer: balancer,
                    healthChecks: upstream.healthChecks
                )
                clusters[host] = made
                return made
            }
            if let entry = configuration.serviceEntries.first(where: { $0.hosts.contains { HostName.matches(rule: $0, host: host) } }) {
                let made = Cluster(name: host, endpoints: entry.endpoints, rule: rule(for: host), kongBalancer: nil)
                clusters[host] = made
                return made
            }
            if let name = RegistryHostName(host) {
                let endpoints = name.targets(from: discovered[name.service] ?? [])
                let made = Cluster(name: host, endpoints: endpoints, rule: rule(for: host), kongBalancer: nil)
                clusters[host] = made
                return made
            }
            let made = Cluster(name: "\(host):\(port)", endpoints: [UpstreamTarget(host: host, port: port)], rule: rule(for: host), kongBalancer: nil)
            clusters["\(host):\(port)"] = made
            return made
        }
        func compile(_ service: VirtualService, defaultPort: Int) -> CompiledVirtualService {
            let rules = service.http.map { rule -> CompiledVirtualService.Rule in
                let destinations = rule.destinations.map { destination in
                    let target = cluster(host: destination.host, port: destination.port ?? defaultPort)
                    let endpoints = destination.subset.flatMap { target.subsets[$0] } ?? target.all
                    return (cluster: target, endpoints: endpoints, weight: destination.weight)
                }
                return .init(
                    rule: rule,
                    matches: rule.matches.map(CompiledMatch.init),
                    destinations: destinations,
                    totalWeight: destinations.reduce(0) { $0 + $1.weight }
                )
            }
            return CompiledVirtualService(service: service, rules: rules)
        }
        self.services = configuration.services.map { service in
            let host = service.host.lowercased()
            let virtualService = configuration.virtualServices.first { $0.hosts.contains { HostName.matches(rule: $0, host: host) } }
            return ServicePlan(
                service: service,
                cluster: cluster(host: host, port: service.port),
                virtualService: virtualService.map { compile($0, defaultPort: service.port) },
                hostHeader: Self.hostHeader(service.host, port: service.port)
            )
        }
        self.virtualServices = configuration.virtualServices.map { compile($0, defaultPort: 80) }
        self.clusters = clusters
        var chains: [Int: PluginChain] = [:]
        for (index, route) in configuration.routes.enumerated() {
            chains[index] = PluginChain.make(configuration: configuration, routeIndex: index, serviceIndex: route.serviceIndex)
        }
        self.chains = chains
        self.globalChain = PluginChain.make(configuration: configuration, routeIndex: nil, serviceIndex: nil)
    }

    /// The plugins for a routed request, nil when none apply.
    func chain(for target: ProxyTarget) -> PluginChain? {
        guard let route = target.routeIndex else { return globalChain }
        return chains[route]
    }

    /// Where a request goes, or why it goes nowhere.
    enum Decision {
        case proxy(ProxyTarget)
        case noRoute
    }

    /// Routes one request: Kong routes first, then VirtualServices by Host.
    func decide(method: String, host: String, path: Substring, query: Substring?, headers: RequestHeaderLookup) -> Decision {
        for route in routes {
            guard let matchedLength = route.match(method: method, host: host, path: path, headers: headers),
                let serviceIndex = route.route.serviceIndex
            else { continue }
            let plan = services[serviceIndex]
            var upstreamPath = Self.upstreamPath(service: plan.service.path, path: path, strip: route.route.stripPath ? matchedLength : 0)
            let target = ProxyTarget(
                routeIndex: route.index,
                serviceIndex: serviceIndex,
                routeName: route.route.name,
                serviceName: plan.service.name,
                cluster: plan.cluster,
                endpoints: plan.cluster.all,
                upstreamURI: "",
                hostHeader: route.route.preserveHost ? nil : plan.hostHeader,
                connectTimeout: TimeAmount(plan.cluster.connectTimeout ?? plan.service.connectTimeout),
                readTimeout: TimeAmount(plan.service.readTimeout),
                writeTimeout: TimeAmount(plan.service.writeTimeout),
                retries: plan.service.retries,
                retryOn: nil,
                perTryTimeout: nil,
                fault: nil
            )
            if let virtualService = plan.virtualService {
                guard let matched = virtualService.match(method: method, path: Substring(upstreamPath), headers: headers) else {
                    return .noRoute
                }
                apply(matched.0, prefixLength: matched.prefixLength, path: &upstreamPath, to: target)
            }
            target.upstreamURI = query.map { "\(upstreamPath)?\($0)" } ?? upstreamPath
            return .proxy(target)
        }
        for virtualService in virtualServices where virtualService.service.hosts.contains(where: { $0 == "*" || $0 == host }) {
            guard let matched = virtualService.match(method: method, path: path, headers: headers),
                let first = matched.0.destinations.first
            else { continue }
            let (rule, prefixLength) = matched
            var upstreamPath = String(path)
            let target = ProxyTarget(
                routeIndex: nil,
                serviceIndex: nil,
                routeName: rule.rule.name ?? virtualService.service.name,
                serviceName: virtualService.service.name,
                cluster: first.cluster,
                endpoints: first.endpoints,
                upstreamURI: "",
                hostHeader: nil,
                connectTimeout: TimeAmount(first.cluster.connectTimeout ?? .seconds(10)),
                readTimeout: .seconds(60),
                writeTimeout: .seconds(60),
                retries: 2,
                retryOn: nil,
                perTryTimeout: nil,
                fault: nil
            )
            apply(rule, prefixLength: prefixLength, path: &upstreamPath, to: target)
            target.upstreamURI = query.map { "\(upstreamPath)?\($0)" } ?? upstreamPath
            return .proxy(target)
        }
        return .noRoute
    }

    private func apply(_ rule: CompiledVirtualService.Rule, prefixLength: Int?, path: inout String, to target: ProxyTarget) {
        if rule.destinations.count == 1 {
            target.cluster = rule.destinations[0].cluster
            target.endpoints = rule.destinations[0].endpoints
        } else {
            var pick = Int.random(in: 0..<max(rule.totalWeight, 1))
            for destination in rule.destinations {
                if pick < destination.weight {
                    target.cluster = destination.cluster
                    target.endpoints = destination.endpoints
                    break
                }
                pick -= destination.weight
            }
        }
        if let rewrite = rule.rule.rewriteURI { path = CompiledVirtualService.rewrite(path, prefixLength: prefixLength, with: rewrite) }
        if let timeout = rule.rule.timeout { target.readTimeout = TimeAmount(timeout) }
        if let retries = rule.rule.retries {
            target.retries = retries.attempts
            target.retryOn = retries.retryOn
            target.perTryTimeout = retries.perTryTimeout.map(TimeAmount.init)
        }
        target.fault = rule.rule.fault
        target.virtualServiceRule = rule.rule.name
    }

    /// Kong's `path_handling: v0`: the service path, then what is left of the request path.
    /// - Parameter strip: bytes to drop from the front of `path` (the matched prefix).
    static func upstreamPath(service: String?, path: Substring, strip: Int) -> String {
        let rest = Substring(path.utf8.dropFirst(strip))
        guard let service, service != "/" else { return rest.hasPrefix("/") ? String(rest) : "/" + rest }
        if rest.isEmpty { return service }
        if service.hasSuffix("/"), rest.hasPrefix("/") { return service + rest.dropFirst() }
        return service + rest
    }

    static func hostHeader(_ host: String, port: Int) -> String { port == 80 ? host : "\(host):\(port)" }
}

/// Where one request is proxied, and how. A class: a request's target is handed through several steps of both data
/// planes, and a struct of this many references was copied (each reference retained and released) at every step.
/// Its fields are set while ``GatewaySnapshot/decide(method:host:path:query:headers:)`` builds it, and only read
/// afterwards.
final class ProxyTarget {
    var routeIndex: Int?
    var serviceIndex: Int?
    var routeName: String?
    var serviceName: String?
    var cluster: Cluster
    var endpoints: EndpointSet
    var upstreamURI: String
    /// The Host header to send upstream; nil keeps the client's (preserve_host).
    var hostHeader: String?
    var connectTimeout: TimeAmount
    var readTimeout: TimeAmount
    /// Kong `write_timeout`: the longest wait between two writes of the request to the upstream.
    var writeTimeout: TimeAmount
    var retries: Int
    /// Istio `retryOn`; nil means Kong semantics (retry connection failures only).
    var retryOn: Set<String>?
    var perTryTimeout: TimeAmount?
    var fault: FaultInjection?
    var virtualServiceRule: String?

    init(
        routeIndex: Int?,
        serviceIndex: Int?,
        routeName: String?,
        serviceName: String?,
        cluster: Cluster,
        endpoints: EndpointSet,
        upstreamURI: String,
        hostHeader: String?,
        connectTimeout: TimeAmount,
        readTimeout: TimeAmount,
        writeTimeout: TimeAmount,
        retries: Int,
        retryOn: Set<String>?,
        perTryTimeout: TimeAmount?,
        fault: FaultInjection?,
        virtualServiceRule: String? = nil
    ) {
        self.routeIndex = routeIndex
        self.serviceIndex = serviceIndex
        self.routeName = routeName
        self.serviceName = serviceName
        self.cluster = cluster
        self.endpoints = endpoints
        self.upstreamURI = upstreamURI
        self.hostHeader = hostHeader
        self.connectTimeout = connectTimeout
        self.readTimeout = readTimeout
        self.writeTimeout = writeTimeout
        self.retries = retries
        self.retryOn = retryOn
        self.perTryTimeout = perTryTimeout
        self.fault = fault
        self.virtualServiceRule = virtualServiceRule
    }

    /// The route and service as metrics and the access log name them (`route-N` for an unnamed Kong route).
    var routeLabel: String { routeName ?? routeIndex.map { "route-\($0)" } ?? "" }
    var serviceLabel: String { serviceName ?? cluster.name }
}

extension TimeAmount {
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
