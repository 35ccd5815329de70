import Foundation
import NIOHTTP1

/// Kong's upstream health endpoints on the admin API: `GET /upstreams/{name}/health` (per target, or the whole
/// upstream with `?balancer_health=1`) and `PUT|POST /upstreams/{name}/targets/{host:port}/healthy|unhealthy`.
extension AdminAPI {
    func upstreamHealth(_ name: String, query: Substring?, snapshot: GatewaySnapshot) -> Response {
        guard let cluster = Self.cluster(named: name, in: snapshot) else {
            return json(["message": "no upstream named \(name)"], status: .notFound)
        }
        let states = Self.targetHealth(cluster)
        if let query, query.split(separator: "&").contains(where: { $0 == "balancer_health=1" || $0 == "balancer_health=true" }) {
            let health: String
            if let checks = cluster.health {
                health = checks.canServe(Array(cluster.endpoints.indices), unhealthy: states.map { $0 == "UNHEALTHY" }) ? "HEALTHY" : "UNHEALTHY"
            } else {
                health = states.contains("UNHEALTHY") && !states.contains("HEALTHY") ? "UNHEALTHY" : "HEALTHCHECKS_OFF"
            }
            return json(["data": ["health": health, "balancer_health": health, "name": cluster.name], "next": NSNull()])
        }
        let targets = cluster.endpoints.enumerated().map { index, target -> [String: Any] in
            [
                "target": "\(target.host):\(target.port)", "weight": target.weight, "labels": target.labels,
                "health": states[index], "upstream": ["name": cluster.name],
                "data": ["addresses": [["ip": target.host, "port": target.port, "weight": target.weight, "health": states[index]]]],
            ]
        }
        return json(["upstream": cluster.name, "data": targets, "next": NSNull()])
    }

    func markTarget(_ rawTarget: String, of name: String, healthy: Bool, snapshot: GatewaySnapshot) -> Response {
        guard let cluster = Self.cluster(named: name, in: snapshot) else {
            return json(["message": "no upstream named \(name)"], status: .notFound)
        }
        let target = rawTarget.removingPercentEncoding ?? rawTarget
        let matches = cluster.endpoints.indices.filter { index in
            let endpoint = cluster.endpoints[index]
            return "\(endpoint.host):\(endpoint.port)" == target || (!target.contains(":") && endpoint.host == target)
        }
        guard !matches.isEmpty else { return json(["message": "no target \(target) in upstream \(name)"], status: .notFound) }
        guard let health = cluster.health else {
            return json(["message": "health checks are off for upstream \(name) (set healthchecks.active or .passive)"], status: .badRequest)
        }
        for index in matches { health.mark(index, healthy: healthy) }
        return Response(status: .noContent, contentType: "", body: "")
    }

    private static func cluster(named name: String, in snapshot: GatewaySnapshot) -> Cluster? {
        snapshot.clusters[name] ?? snapshot.clusters.values.first(where: { $0.name.hasPrefix(name + ":") })
    }

    /// Kong's health word per target: the health checks' verdict, `HEALTHCHECKS_OFF` for a Kong upstream without
    /// them, and Istio outlier ejection otherwise.
    static func targetHealth(_ cluster: Cluster) -> [String] {
        let ejected = cluster.outlier?.ejected() ?? Array(repeating: false, count: cluster.endpoints.count)
        let unhealthy = cluster.health?.unhealthyTargets() ?? Array(repeating: false, count: cluster.endpoints.count)
        return cluster.endpoints.indices.map { index in
            if unhealthy[index] || ejected[index] { return "UNHEALTHY" }
            if cluster.health == nil, cluster.kongHealthChecks != nil, cluster.outlier == nil { return "HEALTHCHECKS_OFF" }
            return "HEALTHY"
        }
    }
}
