import FlotillaRegistry
import Foundation
import HummingbirdTesting
import Testing

@Suite struct PersistenceTests {
    @Test func registrationsChecksAndKeysSurviveARestart() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("registry-restart-\(UUID().uuidString.prefix(8))").path
        let clock = TestClock()
        let indexBefore = try await withRegistry(dataDirectory: folder, clock: clock) { _, client in
            try await register(client, consulDocsRegistration)
            try await register(client, #"{"Name": "web", "ID": "web-1", "Port": 80, "Check": {"CheckID": "web-ttl", "TTL": "60s"}}"#)
            try await register(client, #"{"Name": "gone"}"#)
            try await client.execute(uri: "/v1/agent/service/deregister/gone", method: .put) { #expect($0.status == .ok) }
            try await client.execute(uri: "/v1/agent/check/pass/web-ttl?note=fine", method: .put) { #expect($0.status == .ok) }
            try await client.execute(uri: "/v1/kv/app/mode?flags=7", method: .put, body: body("blue")) { _ in }
            return try await client.execute(uri: "/v1/health/service/web", method: .get) {
                Int($0.headers[.init("X-Consul-Index")!] ?? "0") ?? 0
            }
        }

        try await withRegistry(dataDirectory: folder, clock: clock) { _, client in
            try await client.execute(uri: "/v1/agent/services", method: .get) { response in
                let services = jsonObject(response.body)
                #expect(Set(services.keys) == ["redis1", "web-1"])
                #expect((services["redis1"] as? [String: Any])?["Weights"] as? [String: Int] == ["Passing": 10, "Warning": 1])
            }
            try await client.execute(uri: "/v1/health/service/web?passing", method: .get) { response in
                let checks = jsonArray(response.body).first?["Checks"] as? [[String: Any]]
                #expect(checks?.last?["Output"] as? String == "fine")
                #expect(Int(response.headers[.init("X-Consul-Index")!] ?? "0") ?? 0 >= indexBefore, "the index never goes back")
            }
            try await client.execute(uri: "/v1/kv/app/mode", method: .get) { response in
                let entry = jsonArray(response.body).first
                #expect(entry?["Value"] as? String == Data("blue".utf8).base64EncodedString())
                #expect(entry?["Flags"] as? Int == 7)
            }
            try await register(client, #"{"Name": "new"}"#)
            try await client.execute(uri: "/v1/catalog/service/new", method: .get) { response in
                #expect(Int(response.headers[.init("X-Consul-Index")!] ?? "0") ?? 0 > indexBefore)
            }
        }
    }
}
