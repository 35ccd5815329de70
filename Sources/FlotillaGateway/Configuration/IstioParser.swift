import Foundation
import Yams

/// Reads Istio `VirtualService`, `DestinationRule` and `ServiceEntry` documents (networking.istio.io) into the model.
struct IstioParser {
    static let kinds: Set<String> = ["VirtualService", "DestinationRule", "ServiceEntry"]

    static func parse(_ document: YAMLField, into configuration: inout GatewayConfiguration) throws {
        guard let kindField = document.child("kind") else { throw document.error("kind is required") }
        let kind = try kindField.string()
        if let api = document.child("apiVersion"), !(try api.string()).hasPrefix("networking.istio.io/") {
            throw api.error("expected networking.istio.io/v1beta1 (or v1, v1alpha3)")
        }
        let name = try document.child("metadata")?.child("name")?.string() ?? kind
        guard let spec = document.child("spec") else { throw document.error("spec is required") }
        switch kind {
        case "VirtualService": configuration.virtualServices.append(try virtualService(name: name, spec: spec))
        case "DestinationRule": configuration.destinationRules.append(try destinationRule(name: name, spec: spec))
        case "ServiceEntry": configuration.serviceEntries.append(try serviceEntry(name: name, spec: spec))
        default: throw kindField.error("unsupported kind \"\(kind)\" (expected VirtualService, DestinationRule or ServiceEntry)")
        }
    }

    private static func virtualService(name: String, spec: YAMLField) throws -> VirtualService {
        guard let hostsField = spec.child("hosts") else { throw spec.error("hosts is required") }
        let hosts = try hostsField.strings().map { $0.lowercased() }
        var rules: [HTTPRouteRule] = []
        for ruleField in try spec.child("http")?.items() ?? [] {
            var rule = HTTPRouteRule()
            rule.line = ruleField.line
            rule.name = try ruleField.child("name")?.string()
            for matchField in try ruleField.child("match")?.items() ?? [] {
                var match = HTTPMatchRequest()
                if let uri = matchField.child("uri") { match.uri = try stringMatch(uri) }
                if let method = matchField.child("method") { match.method = try stringMatch(method) }
                if let ignore = matchField.child("ignoreUriCase") { match.ignoreUriCase = try ignore.bool() }
                for (header, value) in try matchField.child("headers")?.entries() ?? [] {
                    match.headers[header.lowercased()] = try stringMatch(value)
                }
                rule.matches.append(match)
            }
            guard let routeField = ruleField.child("route") else { throw ruleField.error("route is required") }
            let destinations = try routeField.items()
            for item in destinations {
                guard let destination = item.child("destination") else { throw item.error("destination is required") }
                guard let host = destination.child("host") else { throw destination.error("host is required") }
                let weight = try item.child("weight")?.int(min: 0, max: 100) ?? (destinations.count == 1 ? 100 : 0)
                rule.destinations.append(
                    RouteDestination(
                        host: try host.string().lowercased(),
                        subset: try destination.child("subset")?.string(),
                        port: try destination.child("port")?.child("number")?.int(min: 1, max: 65535),
                        weight: weight
                    )
                )
            }
            let total = rule.destinations.reduce(0) { $0 + $1.weight }
            guard total > 0 else { throw routeField.error("weights must add up to more than 0") }
            if destinations.count > 1, total != 100 { throw routeField.error("weights add up to \(total), expected 100") }
            rule.rewriteURI = try ruleField.child("rewrite")?.child("uri")?.string()
            rule.timeout = try ruleField.child("timeout")?.duration()
            if let retries = ruleField.child("retries") {
                let attempts = try retries.child("attempts")?.int(min: 0, max: 100) ?? 2
                let retryOn = try retries.child("retryOn")?.string() ?? "connect-failure,refused-stream,unavailable,cancelled,503"
                rule.retries = RetryPolicy(
                    attempts: attempts,
                    perTryTimeout: try retries.child("perTryTimeout")?.duration(),
                    retryOn: Set(retryOn.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
                )
            }
            if let faultField = ruleField.child("fault") {
                var fault = FaultInjection()
                if let delay = faultField.child("delay") {
                    guard let fixed = delay.child("fixedDelay") else { throw delay.error("fixedDelay is required") }
                    fault.delay = try fixed.duration()
                    fault.delayPercentage = try percentage(delay)
                }
                if let abort = faultField.child("abort") {
                    guard let status = abort.child("httpStatus") else { throw abort.error("httpStatus is required") }
                    fault.abortStatus = try status.int(min: 200, max: 599)
                    fault.abortPercentage = try percentage(abort)
                }
                rule.fault = fault
            }
            rules.append(rule)
        }
        return VirtualService(name: name, hosts: hosts, http: rules)
    }

    private static func percentage(_ field: YAMLField) throws -> Double {
        if let value = field.child("percentage")?.child("value") {
            let number = try value.double()
            guard (0...100).contains(number) else { throw value.error("must be from 0 to 100") }
            return number
        }
        if let legacy = field.child("percent") { return Double(try legacy.int(min: 0, max: 100)) }
        return 100
    }

    private static func stringMatch(_ field: YAMLField) throws -> StringMatch {
        if let value = field.child("exact") { return .exact(try value.string()) }
        if let value = field.child("prefix") { return .prefix(try value.string()) }
        if let value = field.child("regex") {
            let text = try value.string()
            do { _ = try NSRegularExpression(pattern: text) } catch { throw value.error("invalid regex: \(error)") }
            return .regex(text)
        }
        throw field.error("expected exact, prefix or regex")
    }

    private static func destinationRule(name: String, spec: YAMLField) throws -> DestinationRule {
        guard let host = spec.child("host") else { throw spec.error("host is required") }
        let policy = try spec.child("trafficPolicy").map(trafficPolicy) ?? TrafficPolicy()
        var subsets: [DestinationRule.Subset] = []
        for subset in try spec.child("subsets")?.items() ?? [] {
            guard let subsetName = subset.child("name") else { throw subset.error("name is required") }
            var labels: [String: String] = [:]
            for (key, value) in try subset.child("labels")?.entries() ?? [] { labels[key] = try value.string() }
            subsets.append(
                .init(name: try subsetName.string(), labels: labels, trafficPolicy: try subset.child("trafficPolicy").map(trafficPolicy))
            )
        }
        return DestinationRule(name: name, host: try host.string().lowercased(), trafficPolicy: policy, subsets: subsets)
    }

    private static func trafficPolicy(_ field: YAMLField) throws -> TrafficPolicy {
        var policy = TrafficPolicy()
        if let balancer = field.child("loadBalancer") {
            if let simple = balancer.child("simple") {
                switch try simple.string() {
                case "ROUND_ROBIN", "UNSPECIFIED", "PASSTHROUGH": policy.loadBalancer = .roundRobin
                case "LEAST_REQUEST", "LEAST_CONN": policy.loadBalancer = .leastRequest
                case "RANDOM": policy.loadBalancer = .random
                default: throw simple.error("expected ROUND_ROBIN, LEAST_REQUEST, LEAST_CONN or RANDOM")
                }
            } else if let hash = balancer.child("consistentHash") {
                if let header = hash.child("httpHeaderName") {
                    policy.loadBalancer = .consistentHash(.header(try header.string().lowercased()))
                } else if let source = hash.child("useSourceIp"), try source.bool() {
                    policy.loadBalancer = .consistentHash(.sourceIP)
                } else if let query = hash.child("httpQueryParameterName") {
                    policy.loadBalancer = .consistentHash(.queryParameter(try query.string()))
                } else {
                    throw hash.error("expected httpHeaderName, useSourceIp or httpQueryParameterName")
                }
            }
        }
        if let pool = field.child("connectionPool") {
            policy.maxConnections = try pool.child("tcp")?.child("maxConnections")?.int(min: 1)
            policy.connectTimeout = try pool.child("tcp")?.child("connectTimeout")?.duration()
            policy.http1MaxPendingRequests = try pool.child("http")?.child("http1MaxPendingRequests")?.int(min: 0)
        }
        if let outlier = field.child("outlierDetection") {
            var detection = OutlierDetection()
            if let value = outlier.child("consecutive5xxErrors") { detection.consecutive5xxErrors = try value.int(min: 0) }
            if let value = outlier.child("consecutiveErrors") { detection.consecutive5xxErrors = try value.int(min: 0) }
            detection.consecutiveGatewayErrors = try outlier.child("consecutiveGatewayErrors")?.int(min: 0)
            if let value = outlier.child("baseEjectionTime") { detection.baseEjectionTime = try value.duration() }
            if let value = outlier.child("maxEjectionPercent") { detection.maxEjectionPercent = try value.int(min: 0, max: 100) }
            policy.outlierDetection = detection
        }
        return policy
    }

    private static func serviceEntry(name: String, spec: YAMLField) throws -> ServiceEntry {
        guard let hostsField = spec.child("hosts") else { throw spec.error("hosts is required") }
        let port = try spec.child("ports")?.items().first?.child("number")?.int(min: 1, max: 65535)
        var endpoints: [UpstreamTarget] = []
        for endpoint in try spec.child("endpoints")?.items() ?? [] {
            guard let address = endpoint.child("address") else { throw endpoint.error("address is required") }
            var labels: [String: String] = [:]
            for (key, value) in try endpoint.child("labels")?.entries() ?? [] { labels[key] = try value.string() }
            let endpointPort = try endpoint.child("ports")?.entries().first?.1.int(min: 1, max: 65535) ?? port ?? 80
            endpoints.append(
                UpstreamTarget(
                    host: try address.string(),
                    port: endpointPort,
                    weight: try endpoint.child("weight")?.int(min: 0) ?? 100,
                    labels: labels
                )
            )
        }
        return ServiceEntry(name: name, hosts: try hostsField.strings().map { $0.lowercased() }, port: port, endpoints: endpoints)
    }
}
