import FlotillaTesting
import Foundation
import Testing

@testable import FlotillaGateway

/// What prometheus records of a request beyond its status, on each data plane, as Kong records it: who answered
/// (`source`: `service`, a plugin's `exit`, the gateway's own `error`), the bytes read and sent (`request_length` and
/// `bytes_sent`, heads included) and the time the upstream took.
@Suite("prometheus: source, bandwidth and upstream latency, on each data plane")
struct PrometheusOutcomeTests {
    static let planes: [GatewayDataPlane] = {
        #if canImport(Glibc)
        return [.nio, .epoll]
        #else
        return [.nio]
        #endif
    }()

    @Test("bytes in and out are counted exactly, the upstream's latency once per proxied request, a gateway 502 as error", arguments: planes)
    func outcomeMetrics(plane: GatewayDataPlane) async throws {
        let upstream = try await TestUpstream.start(name: "up")
        let deadPort = try FreePort.next()
        let services = PluginServices()
        let yaml = """
            _format_version: "3.0"
            services:
              - name: backend
                url: http://127.0.0.1:\(upstream.port)
                routes:
                  - name: keyed
                    paths: [/keyed]
                    plugins:
                      - name: key-auth
              - name: gone
                url: http://127.0.0.1:\(deadPort)
                retries: 0
                routes:
                  - name: down
                    paths: [/down]
            plugins:
              - name: prometheus
                config: {status_code_metrics: true, latency_metrics: true, bandwidth_metrics: true}
            consumers:
              - username: alice
                keyauth_credentials:
                  - key: alice-key
            """
        let gateway = try await GatewayFixture.start(yaml, plugins: .kong(services)) { $0.dataPlane = plane }
        do {
            let key = "apikey: alice-key\r\n"
            let keyed = [
                Self.get("/keyed/a", extra: key), Self.get("/keyed/bb", extra: key),
                Self.get("/keyed/c"),
            ]
            let client = try await RawClientConnection.connect(port: gateway.port)
            try await client.send(keyed.joined())
            let keyedAnswers = try await client.waitForResponses(3)
            #expect(RawResponses.split(keyedAnswers).map(\.status) == [200, 200, 401])
            await client.close()
            let down = Self.get("/down/x")
            let downClient = try await RawClientConnection.connect(port: gateway.port)
            try await downClient.send(down)
            let downAnswer = try await downClient.waitForResponses(1)
            #expect(RawResponses.split(downAnswer).map(\.status) == [502])
            await downClient.close()

            let metrics = try await services.metricsText(once: { $0.contains(#"route="down",code="502""#) })
            #expect(
                metrics.contains(#"{service="backend",route="keyed",code="200",source="service",workspace="default",consumer=""} 2"#),
                "\(metrics)"
            )
            #expect(metrics.contains(#"{service="backend",route="keyed",code="401",source="exit",workspace="default",consumer=""} 1"#), "\(metrics)")
            #expect(metrics.contains(#"{service="gone",route="down",code="502",source="error",workspace="default",consumer=""} 1"#), "\(metrics)")
            // Kong's request_length and bytes_sent: every byte of the requests, heads included, and of the answers.
            let keyedIn = keyed.map(\.utf8.count).reduce(0, +)
            #expect(
                metrics.contains(
                    #"kong_bandwidth_bytes{service="backend",route="keyed",direction="ingress",workspace="default",consumer=""} \#(keyedIn)"#
                ),
                "\(metrics)"
            )
            #expect(
                metrics.contains(
                    #"kong_bandwidth_bytes{service="backend",route="keyed",direction="egress",workspace="default",consumer=""} \#(keyedAnswers.utf8.count)"#
                ),
                "\(metrics)"
            )
            #expect(
                metrics.contains(
                    #"kong_bandwidth_bytes{service="gone",route="down",direction="ingress",workspace="default",consumer=""} \#(down.utf8.count)"#
                ),
                "\(metrics)"
            )
            #expect(
                metrics.contains(
                    #"kong_bandwidth_bytes{service="gone",route="down",direction="egress",workspace="default",consumer=""} \#(downAnswer.utf8.count)"#
                ),
                "\(metrics)"
            )
            // The upstream answered two requests; the 401 and the 502 never had an upstream answer.
            #expect(metrics.contains(#"kong_upstream_latency_ms_count{service="backend",route="keyed",workspace="default"} 2"#), "\(metrics)")
            #expect(!metrics.contains(#"kong_upstream_latency_ms_count{service="gone""#), "\(metrics)")
            #expect(metrics.contains(#"kong_request_latency_ms_count{service="backend",route="keyed",workspace="default"} 3"#), "\(metrics)")
        } catch {
            Issue.record(error)
        }
        try await gateway.stop()
    }

    @Test("a streamed body past request-size-limiting's limit is the plugin's exit; past the gateway's own limit, an error")
    func bodyLimitSource() async throws {
        let upstream = try await TestUpstream.start(name: "up")
        let services = PluginServices()
        let yaml = """
            _format_version: "3.0"
            services:
              - name: backend
                url: http://127.0.0.1:\(upstream.port)
                routes:
                  - name: small
                    paths: [/small]
                    plugins:
                      - name: request-size-limiting
                        config: {allowed_payload_size: 1, size_unit: kilobytes}
                  - name: open
                    paths: [/open]
            plugins:
              - name: prometheus
                config: {status_code_metrics: true}
            """
        let gateway = try await GatewayFixture.start(yaml, plugins: .kong(services)) { $0.maxRequestBodySize = 4_096 }
        do {
            // Chunked: no length to refuse up front, so the proxy counts the body as it streams.
            let chunk = String(repeating: "x", count: 3_000)
            for path in ["/small/a", "/open/b"] {
                let body = path == "/small/a" ? chunk : chunk + chunk
                let size = String(body.utf8.count, radix: 16)
                let client = try await RawClientConnection.connect(port: gateway.port)
                try await client.send(
                    "POST \(path) HTTP/1.1\r\nHost: gateway.test\r\nTransfer-Encoding: chunked\r\n\r\n\(size)\r\n\(body)\r\n0\r\n\r\n"
                )
                let answer = try await client.waitForResponses(1)
                #expect(RawResponses.split(answer).first?.status == 413, "\(path)")
                await client.close()
            }
            let metrics = try await services.metricsText(once: { $0.contains(#"route="open",code="413""#) })
            #expect(metrics.contains(#"{service="backend",route="small",code="413",source="exit",workspace="default",consumer=""} 1"#), "\(metrics)")
            #expect(metrics.contains(#"{service="backend",route="open",code="413",source="error",workspace="default",consumer=""} 1"#), "\(metrics)")
        } catch {
            Issue.record(error)
        }
        try await gateway.stop()
    }

    static func get(_ path: String, extra: String = "") -> String {
        "GET \(path) HTTP/1.1\r\nHost: gateway.test\r\n\(extra)\r\n"
    }
}
