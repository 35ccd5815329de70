import FlotillaRegistry
import Foundation
import HummingbirdTesting
import Testing

@Suite struct AgentAPITests {
    @Test func registerThenListServicesAndChecksInConsulShapes() async throws {
        try await withRegistry { _, client in
            try await register(client, consulDocsRegistration)
            try await client.execute(uri: "/v1/agent/services", method: .get) { response in
                let redis = try #require(jsonObject(response.body)["redis1"] as? [String: Any])
                #expect(redis["ID"] as? String == "redis1")
                #expect(redis["Service"] as? String == "redis")
                #expect(redis["Tags"] as? [String] == ["primary", "v1"])
                #expect(redis["Address"] as? String == "127.0.0.1")
                #expect(redis["Port"] as? Int == 8000)
                #expect(redis["Meta"] as? [String: String] == ["redis_version": "4.0"])
                #expect(redis["Weights"] as? [String: Int] == ["Passing": 10, "Warning": 1])
                #expect(redis["EnableTagOverride"] as? Bool == false)
            }
            try await client.execute(uri: "/v1/agent/checks", method: .get) { response in
                let check = try #require(jsonObject(response.body)["service:redis1"] as? [String: Any])
                #expect(check["Node"] as? String == "flotilla")
                #expect(check["CheckID"] as? String == "service:redis1")
                #expect(check["Name"] as? String == "Service 'redis' check")
                #expect(check["Status"] as? String == "critical")
                #expect(check["ServiceID"] as? String == "redis1")
                #expect(check["ServiceName"] as? String == "redis")
                #expect(check["ServiceTags"] as? [String] == ["primary", "v1"])
                #expect(check["Type"] as? String == "http")
                let definition = try #require(check["Definition"] as? [String: Any])
                #expect(definition["Interval"] as? String == "10s")
                #expect(definition["DeregisterCriticalServiceAfter"] as? String == "1h30m0s")
            }
        }
    }

    @Test func ttlCheckPassWarnFailWithNote() async throws {
        try await withRegistry { _, client in
            try await register(client, #"{"Name": "web", "ID": "web-1", "Check": {"CheckID": "web-ttl", "TTL": "30s"}}"#)
            for (verb, status) in [("pass", "passing"), ("warn", "warning"), ("fail", "critical")] {
                try await client.execute(uri: "/v1/agent/check/\(verb)/web-ttl?note=all+\(verb)", method: .put) { #expect($0.status == .ok) }
                try await client.execute(uri: "/v1/agent/checks", method: .get) { response in
                    let check = jsonObject(response.body)["web-ttl"] as? [String: Any]
                    #expect(check?["Status"] as? String == status)
                    #expect(check?["Output"] as? String == "all \(verb)")
                }
            }
        }
    }

    @Test func unknownIDsAre404sInConsulsPlainText() async throws {
        try await withRegistry { _, client in
            try await client.execute(uri: "/v1/agent/service/deregister/nope", method: .put) { response in
                #expect(response.status == .notFound)
                #expect(response.headers[.contentType]?.hasPrefix("text/plain") == true)
                #expect(text(response.body) == #"Unknown service ID "nope". Ensure that the service ID is passed, not the service name."#)
            }
            try await client.execute(uri: "/v1/agent/check/pass/nope", method: .put) { response in
                #expect(response.status == .notFound)
                #expect(text(response.body) == #"Unknown check ID "nope". Ensure that the check ID is passed, not the check name."#)
            }
        }
    }

    @Test func badRegistrationsAre400sAndNothingIsHalfApplied() async throws {
        try await withRegistry { _, client in
            let bad = [
                "{not json", #"{"Port": 1}"#,
                #"{"Name": "half", "Checks": [{"TTL": "10s"}, {"TTL": "10s", "Interval": "5s"}]}"#,
                #"{"Name": "half", "Check": {"TTL": "soon"}}"#,
                #"{"Name": "half", "Checks": [{"TTL": "10s", "Status": "great"}]}"#,
            ]
            for json in bad {
                try await client.execute(uri: "/v1/agent/service/register", method: .put, body: body(json)) { response in
                    #expect(response.status == .badRequest, "\(json)")
                    #expect(response.headers[.contentType]?.hasPrefix("text/plain") == true)
                }
            }
            try await client.execute(uri: "/v1/agent/services", method: .get) { #expect(jsonObject($0.body).isEmpty) }
            try await client.execute(uri: "/v1/agent/checks", method: .get) { #expect(jsonObject($0.body).isEmpty) }
        }
    }

    @Test func replaceExistingChecksDropsChecksNotReRegistered() async throws {
        try await withRegistry { _, client in
            try await register(client, #"{"Name": "db", "Checks": [{"CheckID": "a", "TTL": "10s"}, {"CheckID": "b", "TTL": "10s"}]}"#)
            try await client.execute(uri: "/v1/agent/check/pass/a", method: .put) { #expect($0.status == .ok) }
            try await register(client, #"{"Name": "db", "Checks": [{"CheckID": "a", "TTL": "10s"}]}"#)
            try await client.execute(uri: "/v1/agent/checks", method: .get) { response in
                let checks = jsonObject(response.body)
                #expect(Set(checks.keys) == ["a", "b"])
                #expect((checks["a"] as? [String: Any])?["Status"] as? String == "passing", "re-registering keeps the status")
            }
            try await register(client, #"{"Name": "db", "Checks": [{"CheckID": "a", "TTL": "10s"}]}"#, query: "?replace-existing-checks")
            try await client.execute(uri: "/v1/agent/checks", method: .get) { #expect(Set(jsonObject($0.body).keys) == ["a"]) }
            try await client.execute(uri: "/v1/agent/service/deregister/db", method: .put) { #expect($0.status == .ok) }
            try await client.execute(uri: "/v1/agent/checks", method: .get) { #expect(jsonObject($0.body).isEmpty) }
        }
    }
}

@Suite struct PathDecodingTests {
    @Test func percentEncodedIDsInPathsAreDecoded() async throws {
        try await withRegistry { _, client in
            try await register(client, #"{"Name": "web", "ID": "web 1", "Check": {"TTL": "10s"}}"#)
            try await client.execute(uri: "/v1/agent/check/pass/service%3Aweb%201", method: .put) { #expect($0.status == .ok) }
            try await client.execute(uri: "/v1/agent/service/deregister/web%201", method: .put) { #expect($0.status == .ok) }
        }
    }
}
