import FlotillaRegistry
import Foundation
import HummingbirdTesting
import Testing

@Suite struct KVAPITests {
    @Test func putGetRawRecurseKeysDelete() async throws {
        try await withRegistry { _, client in
            try await client.execute(uri: "/v1/kv/config/missing", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(response.body.readableBytes == 0)
                #expect(Int(response.headers[.init("X-Consul-Index")!] ?? "0") ?? 0 >= 1)
                #expect(response.headers[.init("X-Consul-KnownLeader")!] == "true")
            }
            try await client.execute(uri: "/v1/kv/config/db/url?flags=42", method: .put, body: body("postgres://db")) { response in
                #expect(jsonValue(response.body) as? Bool == true)
            }
            try await client.execute(uri: "/v1/kv/config/db/pool", method: .put, body: body("10")) { _ in }
            try await client.execute(uri: "/v1/kv/config/name", method: .put, body: body("fleet")) { _ in }
            var modifyIndex = 0
            try await client.execute(uri: "/v1/kv/config/db/url", method: .get) { response in
                let entry = try #require(jsonArray(response.body).first)
                #expect(entry["Key"] as? String == "config/db/url")
                #expect(entry["Value"] as? String == Data("postgres://db".utf8).base64EncodedString())
                #expect(entry["Flags"] as? Int == 42)
                #expect(entry["LockIndex"] as? Int == 0)
                modifyIndex = entry["ModifyIndex"] as? Int ?? 0
                #expect(response.headers[.init("X-Consul-Index")!] == String(modifyIndex))
            }
            try await client.execute(uri: "/v1/kv/config/db/url", method: .get) { #expect(text($0.body).contains(#""Key":"config/db/url""#)) }
            try await client.execute(uri: "/v1/kv/config/db/url?raw", method: .get) { #expect(text($0.body) == "postgres://db") }
            try await client.execute(uri: "/v1/kv/config/?recurse", method: .get) { response in
                #expect(jsonArray(response.body).map { $0["Key"] as? String } == ["config/db/pool", "config/db/url", "config/name"])
            }
            try await client.execute(uri: "/v1/kv/config/?keys&separator=/", method: .get) { response in
                #expect(jsonValue(response.body) as? [String] == ["config/db/", "config/name"])
            }
            try await client.execute(uri: "/v1/kv/?keys", method: .get) { response in
                #expect((jsonValue(response.body) as? [String])?.count == 3)
            }
            // Check-and-set: a stale index is refused, the current one accepted; cas=0 only creates.
            try await client.execute(uri: "/v1/kv/config/db/url?cas=\(modifyIndex - 1)", method: .put, body: body("x")) {
                #expect(jsonValue($0.body) as? Bool == false)
            }
            try await client.execute(uri: "/v1/kv/config/db/url?cas=\(modifyIndex)", method: .put, body: body("y")) {
                #expect(jsonValue($0.body) as? Bool == true)
            }
            try await client.execute(uri: "/v1/kv/config/name?cas=0", method: .put, body: body("z")) { #expect(jsonValue($0.body) as? Bool == false) }
            try await client.execute(uri: "/v1/kv/config/new?cas=0", method: .put, body: body("z")) { #expect(jsonValue($0.body) as? Bool == true) }
            try await client.execute(uri: "/v1/kv/config/db/url?flags=x", method: .put, body: body("y")) { #expect($0.status == .badRequest) }
            try await client.execute(uri: "/v1/kv/config/name", method: .delete) { #expect(jsonValue($0.body) as? Bool == true) }
            try await client.execute(uri: "/v1/kv/config/name", method: .get) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/v1/kv/config/db?recurse", method: .delete) { #expect(jsonValue($0.body) as? Bool == true) }
            try await client.execute(uri: "/v1/kv/config/?keys", method: .get) { #expect(jsonValue($0.body) as? [String] == ["config/new"]) }
        }
    }
}
