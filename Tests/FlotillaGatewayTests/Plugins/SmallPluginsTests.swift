import FlotillaGateway
import HTTPTypes
import Prometheus
import Testing

@Suite("request-size-limiting, correlation-id and prometheus plugins")
struct SmallPluginsTests {
    static func make(_ name: String, _ yaml: String = "", services: PluginServices = PluginServices()) throws -> any GatewayPlugin {
        try PluginTest.factory(services: services).make(name: name, config: try PluginTest.config(yaml))
    }

    @Test func requestSizeLimitingUsesKongsUnitsAndBody() async throws {
        let plugin = try Self.make("request-size-limiting", "allowed_payload_size: 2\nsize_unit: kilobytes")
        var small = PluginTest.exchange(method: .post, bodyLength: 2_048)
        let result4 = await plugin.access(&small)
        #expect(result4 == nil)
        #expect(small.maximumBodyBytes == 2_048)
        var large = PluginTest.exchange(method: .post, bodyLength: 2_049)
        let response = await plugin.access(&large)
        #expect(response?.status.code == 413)
        #expect(PluginTest.body(response) == #"{"message":"Request size limit exceeded"}"#)
        // A streamed body: the proxy enforces maximumBodyBytes.
        var streamed = PluginTest.exchange(method: .post, headers: [("Transfer-Encoding", "chunked")])
        let result5 = await plugin.access(&streamed)
        #expect(result5 == nil)
        #expect(streamed.maximumBodyBytes == 2_048)

        let defaults = try Self.make("request-size-limiting")
        var big = PluginTest.exchange(method: .post, bodyLength: 128 * 1_048_576 + 1)
        let result6 = await defaults.access(&big)
        #expect(result6?.status.code == 413)
        var fits = PluginTest.exchange(method: .post, bodyLength: 128 * 1_048_576)
        let result7 = await defaults.access(&fits)
        #expect(result7 == nil)

        let strict = try Self.make("request-size-limiting", "require_content_length: true")
        var unknown = PluginTest.exchange(method: .post)
        let lengthRequired = await strict.access(&unknown)
        #expect(lengthRequired?.status.code == 411)
        #expect(PluginTest.body(lengthRequired) == #"{"message":"A valid Content-Length header is required"}"#)
        #expect(PluginTest.configurationError("request-size-limiting", "size_unit: gigabytes")?.hasPrefix("config.size_unit:") == true)
        #expect(PluginTest.configurationError("request-size-limiting", "allowed_payload_size: -1")?.hasPrefix("config.allowed_payload_size:") == true)
    }

    @Test func correlationIDKeepsOrSetsTheHeaderAndEchoes() async throws {
        let plugin = try Self.make("correlation-id")
        var first = PluginTest.exchange()
        var second = PluginTest.exchange()
        let result8 = await plugin.access(&first)
        #expect(result8 == nil)
        let result9 = await plugin.access(&second)
        #expect(result9 == nil)
        let id1 = PluginTest.header(first.request.headerFields, "Kong-Request-ID") ?? ""
        let id2 = PluginTest.header(second.request.headerFields, "Kong-Request-ID") ?? ""
        // uuid#counter: the same UUID, counters that differ.
        #expect(id1.split(separator: "#").count == 2)
        #expect(id1.split(separator: "#").first == id2.split(separator: "#").first)
        #expect(id1 != id2)
        var response = HTTPResponse(status: .ok)
        plugin.headerFilter(first, response: &response)
        #expect(PluginTest.header(response.headerFields, "Kong-Request-ID") == nil)

        let echo = try Self.make("correlation-id", "header_name: X-Correlation-ID\ngenerator: uuid\necho_downstream: true")
        var kept = PluginTest.exchange(headers: [("X-Correlation-ID", "given-1")])
        let result10 = await echo.access(&kept)
        #expect(result10 == nil)
        #expect(PluginTest.header(kept.request.headerFields, "X-Correlation-ID") == "given-1")
        var echoed = HTTPResponse(status: .ok)
        echo.headerFilter(kept, response: &echoed)
        #expect(PluginTest.header(echoed.headerFields, "X-Correlation-ID") == "given-1")
        var fresh = PluginTest.exchange()
        let result11 = await echo.access(&fresh)
        #expect(result11 == nil)
        #expect(PluginTest.header(fresh.request.headerFields, "X-Correlation-ID")?.count == 36)
        #expect(PluginTest.configurationError("correlation-id", "generator: random")?.hasPrefix("config.generator:") == true)
    }

    @Test func prometheusRecordsKongMetrics() throws {
        let registry = PrometheusCollectorRegistry()
        let services = PluginServices(metricsRegistry: registry)
        let plugin = try Self.make(
            "prometheus",
            "per_consumer: true\nstatus_code_metrics: true\nlatency_metrics: true\nbandwidth_metrics: true",
            services: services
        )
        var exchange = PluginTest.exchange()
        exchange.consumer = GatewayConsumer(username: "alice")
        exchange.requestBytes = 10
        exchange.responseBytes = 250
        exchange.upstreamLatency = .milliseconds(8)
        plugin.log(exchange, response: HTTPResponse(status: .ok), latency: .milliseconds(12))
        exchange.responseSource = .exit
        plugin.log(exchange, response: HTTPResponse(status: .tooManyRequests), latency: .milliseconds(1))
        var text: [UInt8] = []
        registry.emit(into: &text)
        let output = String(decoding: text, as: UTF8.self)
        #expect(
            output.contains(
                #"kong_http_requests_total{service="orders",route="orders-route",code="200",source="service",workspace="default",consumer="alice"} 1"#
            )
        )
        #expect(output.contains(#"code="429",source="exit""#))
        #expect(output.contains("kong_request_latency_ms_bucket"))
        #expect(output.contains("kong_upstream_latency_ms_bucket"))
        #expect(
            output.contains(
                #"kong_bandwidth_bytes{service="orders",route="orders-route",direction="egress",workspace="default",consumer="alice"} 500"#
            )
        )

        let quiet = PrometheusCollectorRegistry()
        let defaults = try Self.make("prometheus", services: PluginServices(metricsRegistry: quiet))
        defaults.log(exchange, response: HTTPResponse(status: .ok), latency: .milliseconds(1))
        var none: [UInt8] = []
        quiet.emit(into: &none)
        #expect(!String(decoding: none, as: UTF8.self).contains("kong_http_requests_total"))
        #expect(PluginTest.configurationError("prometheus", "per_consumer: 2")?.hasPrefix("config.per_consumer:") == true)
    }
}
