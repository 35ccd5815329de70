import FlotillaRegistry
import Foundation
import Testing

/// The registration payload of Consul's "Register Service" documentation (its script check swapped for HTTP).
let consulDocsRegistration = """
    {
      "ID": "redis1",
      "Name": "redis",
      "Tags": ["primary", "v1"],
      "Address": "127.0.0.1",
      "Port": 8000,
      "Meta": {"redis_version": "4.0"},
      "EnableTagOverride": false,
      "Check": {
        "DeregisterCriticalServiceAfter": "90m",
        "HTTP": "http://127.0.0.1:8000/health",
        "Interval": "10s",
        "Timeout": "5s"
      },
      "Weights": {"Passing": 10, "Warning": 1}
    }
    """

@Suite struct ServiceRegistrationTests {
    func parse(_ json: String) throws(ConsulError) -> ServiceRegistration { try ServiceRegistration.parse(Data(json.utf8)) }

    @Test func parsesConsulsDocumentedPayload() throws {
        let registration = try parse(consulDocsRegistration)
        #expect(
            registration.service
                == ServiceInstance(
                    id: "redis1",
                    name: "redis",
                    tags: ["primary", "v1"],
                    address: "127.0.0.1",
                    port: 8000,
                    meta: ["redis_version": "4.0"],
                    weights: .init(passing: 10, warning: 1)
                )
        )
        let check = try #require(registration.checks.first)
        #expect(check.id == "service:redis1")
        #expect(check.name == "Service 'redis' check")
        #expect(check.deregisterCriticalServiceAfter == .seconds(5400))
        #expect(
            check.kind
                == .http(
                    .init(url: "http://127.0.0.1:8000/health", method: "GET", header: [:], body: "", interval: .seconds(10), timeout: .seconds(5))
                )
        )
        #expect(check.status == nil)
    }

    @Test func keysInAnyLetterCaseAndSnakeCase() throws {
        let registration = try parse(
            """
            {"name": "web", "id": "web-1", "PORT": 80, "tags": ["a"],
             "checks": [{"ttl": "15s", "status": "passing", "check_id": "web-ttl"},
                        {"tcp": "127.0.0.1:80", "interval": "5s", "deregister_critical_service_after": "1m"}]}
            """
        )
        #expect(registration.service.id == "web-1")
        #expect(registration.service.port == 80)
        #expect(registration.checks.map(\.id) == ["web-ttl", "service:web-1:2"])
        #expect(registration.checks[0].kind == .ttl(ttl: .seconds(15)))
        #expect(registration.checks[0].status == .passing)
        #expect(registration.checks[1].deregisterCriticalServiceAfter == .seconds(60))
    }

    @Test func idDefaultsToName() throws {
        #expect(try parse(#"{"Name": "api"}"#).service.id == "api")
    }

    @Test(arguments: [
        (#"{"Name": "#, 400, "Request decode failed: "),
        (#"[1]"#, 400, "Request decode failed: json: cannot unmarshal array"),
        (#""#, 400, "Request decode failed: EOF"),
        (
            #"{"Port": "80", "Name": "x"}"#, 400,
            "Request decode failed: json: cannot unmarshal string into Go struct field ServiceDefinition.Port of type int"
        ),
        (#"{"Tags": ["a"]}"#, 400, "Missing service name"),
        (#"{"Name": "x", "Check": {"TTL": "10s", "Interval": "10s"}}"#, 400, "Invalid check: Interval and TTL cannot both be specified"),
        (
            #"{"Name": "x", "Check": {"HTTP": "http://a/b"}}"#, 400,
            "Invalid check: Interval must be > 0 for Script, HTTP, H2PING, TCP, UDP or GRPC checks"
        ),
        (#"{"Name": "x", "Check": {"Notes": "n"}}"#, 400, "Invalid check: TTL must be > 0 for TTL checks"),
        (#"{"Name": "x", "Check": {"TTL": "ten seconds"}}"#, 400, "Request decode failed: time: invalid duration \"ten seconds\""),
        (#"{"Name": "x", "Check": {"TTL": "10"}}"#, 400, "Request decode failed: time: missing unit in duration \"10\""),
        (#"{"Name": "x", "Check": {"TTL": "10s", "Status": "fine"}}"#, 400, "Status for checks must 'passing', 'warning', 'critical'"),
        (#"{"Name": "x", "Check": {"TTL": "10s", "Status": "maintenance"}}"#, 400, "Status for checks must 'passing', 'warning', 'critical'"),
    ])
    func rejectsWithConsulsMessages(_ json: String, _ status: Int, _ messagePrefix: String) {
        do {
            _ = try parse(json)
            Issue.record("accepted \(json)")
        } catch {
            #expect(Int(error.status.code) == status)
            #expect(error.message.hasPrefix(messagePrefix), "\(error.message)")
        }
    }
}
