import FlotillaRegistry
import Foundation
import HummingbirdTesting
import Testing

@Suite struct CatalogHealthAPITests {
    /// Two instances of `web`: web-1 passing (TTL passed), web-2 critical; web-1 tagged `v2`.
    func seed(_ client: some TestClientProtocol) async throws {
        try await register(
            client,
            #"{"Name": "web", "ID": "web-1", "Tags": ["v2"], "Address": "10.0.0.1", "Port": 80, "Check": {"CheckID": "web-1-ttl", "TTL": "30s", "Status": "passing"}}"#
        )
        try await register(client, #"{"Name": "web", "ID": "web-2", "Tags": ["v1"], "Port": 81, "Check": {"CheckID": "web-2-ttl", "TTL": "30s"}}"#)
    }

    @Test func catalogServiceEntriesCarryConsulsFields() async throws {
        try await withRegistry { _, client in
            try await seed(client)
            try await client.execute(uri: "/v1/catalog/services", method: .get) { response in
                #expect(jsonObject(response.body)["web"] as? [String] == ["v1", "v2"])
                #expect(Int(response.headers[.init("X-Consul-Index")!] ?? "") ?? 0 > 0)
                #expect(response.headers[.init("X-Consul-KnownLeader")!] == "true")
                #expect(response.headers[.init("X-Consul-LastContact")!] == "0")
            }
            try await client.execute(uri: "/v1/catalog/service/web?tag=v2", method: .get) { response in
                let entries = jsonArray(response.body)
                #expect(entries.count == 1)
                let entry = try #require(entries.first)
                for key in [
                    "ID", "Node", "Address", "Datacenter", "TaggedAddresses", "NodeMeta", "ServiceID", "ServiceName", "ServiceAddress",
                    "ServicePort", "ServiceTags", "ServiceMeta", "ServiceWeights", "CreateIndex", "ModifyIndex",
                ] {
                    #expect(entry[key] != nil, "missing \(key)")
                }
                #expect(entry["Node"] as? String == "flotilla")
                #expect(entry["ServiceID"] as? String == "web-1")
                #expect(entry["ServiceAddress"] as? String == "10.0.0.1")
                #expect(entry["ServicePort"] as? Int == 80)
                #expect(entry["ServiceWeights"] as? [String: Int] == ["Passing": 1, "Warning": 1])
            }
            try await client.execute(uri: "/v1/catalog/service/nothing", method: .get) { response in
                #expect(response.status == .ok)
                #expect(jsonArray(response.body).isEmpty)
                #expect(response.headers[.init("X-Consul-Index")!] != nil)
            }
        }
    }

    @Test(arguments: ["?passing", "?passing=1", "?passing=true", "?passing=TRUE", "?passing=True", "?passing=t", "?passing=T"])
    func passingFilterInEveryTrueSpelling(_ query: String) async throws {
        try await withRegistry { _, client in
            try await seed(client)
            try await client.execute(uri: "/v1/health/service/web\(query)", method: .get) { response in
                let entries = jsonArray(response.body)
                #expect(entries.compactMap { ($0["Service"] as? [String: Any])?["ID"] as? String } == ["web-1"])
            }
        }
    }

    @Test(arguments: ["", "?passing=0", "?passing=false", "?passing=F"])
    func withoutPassingEveryInstanceIsListed(_ query: String) async throws {
        try await withRegistry { _, client in
            try await seed(client)
            try await client.execute(uri: "/v1/health/service/web\(query)", method: .get) { response in
                #expect(jsonArray(response.body).count == 2)
            }
        }
    }

    @Test func healthEntriesAreNodeServiceChecksWithSerfHealth() async throws {
        try await withRegistry { _, client in
            try await seed(client)
            try await client.execute(uri: "/v1/health/service/web?tag=v2", method: .get) { response in
                let entry = try #require(jsonArray(response.body).first)
                let node = try #require(entry["Node"] as? [String: Any])
                #expect(node["Node"] as? String == "flotilla")
                #expect(node["Address"] as? String == "127.0.0.1")
                let service = try #require(entry["Service"] as? [String: Any])
                #expect(service["ID"] as? String == "web-1")
                #expect(service["Service"] as? String == "web")
                #expect(service["Port"] as? Int == 80)
                let checks = try #require(entry["Checks"] as? [[String: Any]])
                #expect(checks.map { $0["CheckID"] as? String } == ["serfHealth", "web-1-ttl"])
                #expect(checks.allSatisfy { $0["Status"] as? String == "passing" })
            }
            try await client.execute(uri: "/v1/health/service/web?passing=maybe", method: .get) { response in
                #expect(response.status == .badRequest)
                #expect(text(response.body) == "Invalid value for ?passing")
            }
            try await client.execute(uri: "/v1/health/checks/web", method: .get) { response in
                #expect(jsonArray(response.body).map { $0["CheckID"] as? String } == ["web-1-ttl", "web-2-ttl"])
            }
            try await client.execute(uri: "/v1/health/state/critical", method: .get) { response in
                #expect(jsonArray(response.body).map { $0["CheckID"] as? String } == ["web-2-ttl"])
            }
            try await client.execute(uri: "/v1/health/state/passing", method: .get) { response in
                #expect(jsonArray(response.body).map { $0["CheckID"] as? String } == ["serfHealth", "web-1-ttl"])
            }
            try await client.execute(uri: "/v1/health/state/sideways", method: .get) { response in
                #expect(response.status == .badRequest)
                #expect(text(response.body) == "Invalid check state")
            }
            try await client.execute(uri: "/v1/health/service/web?index=abc", method: .get) { response in
                #expect(response.status == .badRequest)
                #expect(text(response.body) == "Invalid index")
            }
            try await client.execute(uri: "/v1/health/service/web?index=1&wait=forever", method: .get) { response in
                #expect(response.status == .badRequest)
                #expect(text(response.body) == "Invalid wait time")
            }
        }
    }

    @Test func statusLeaderAndPeers() async throws {
        try await withRegistry { _, client in
            try await client.execute(uri: "/v1/status/leader", method: .get) { #expect(jsonValue($0.body) as? String == "127.0.0.1:8300") }
            try await client.execute(uri: "/v1/status/peers", method: .get) { #expect(jsonValue($0.body) as? [String] == ["127.0.0.1:8300"]) }
        }
    }
}
