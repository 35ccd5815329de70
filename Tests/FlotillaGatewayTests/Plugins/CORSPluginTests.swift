import FlotillaGateway
import HTTPTypes
import Testing

@Suite("cors plugin")
struct CORSPluginTests {
    static func plugin(_ yaml: String = "") throws -> any GatewayPlugin {
        try PluginTest.factory().make(name: "cors", config: try PluginTest.config(yaml))
    }

    static func preflight(origin: String, requestHeaders: String? = nil) -> GatewayExchange {
        var headers = [("Origin", origin), ("Access-Control-Request-Method", "POST")]
        if let requestHeaders { headers.append(("Access-Control-Request-Headers", requestHeaders)) }
        return PluginTest.exchange(method: .options, headers: headers)
    }

    @Test func preflightIsAnsweredByThePlugin() async throws {
        let plugin = try Self.plugin(
            """
            origins: ["https://shop.example.com", "https://.*\\\\.example\\\\.org"]
            methods: [GET, POST]
            headers: [Authorization, Content-Type]
            max_age: 3600
            credentials: true
            """
        )
        var exchange = Self.preflight(origin: "https://shop.example.com")
        let response = await plugin.access(&exchange)
        #expect(response?.status == .ok)
        let headers = response?.headers ?? [:]
        #expect(PluginTest.header(headers, "Access-Control-Allow-Origin") == "https://shop.example.com")
        #expect(PluginTest.header(headers, "Access-Control-Allow-Methods") == "GET,POST")
        #expect(PluginTest.header(headers, "Access-Control-Allow-Headers") == "Authorization,Content-Type")
        #expect(PluginTest.header(headers, "Access-Control-Max-Age") == "3600")
        #expect(PluginTest.header(headers, "Access-Control-Allow-Credentials") == "true")
        #expect(PluginTest.header(headers, "Vary") == "Origin")

        var byRegex = Self.preflight(origin: "https://api.example.org")
        let regexResponse = await plugin.access(&byRegex)
        #expect(regexResponse.flatMap { PluginTest.header($0.headers, "Access-Control-Allow-Origin") } == "https://api.example.org")

        var stranger = Self.preflight(origin: "https://evil.example.net")
        let strangerResponse = await plugin.access(&stranger)
        #expect(strangerResponse?.status == .ok)
        #expect(strangerResponse.flatMap { PluginTest.header($0.headers, "Access-Control-Allow-Origin") } == nil)
        // Anchored: a suffix attack does not match.
        var suffix = Self.preflight(origin: "https://shop.example.com.evil.net")
        let suffixResponse = await plugin.access(&suffix)
        #expect(suffixResponse.flatMap { PluginTest.header($0.headers, "Access-Control-Allow-Origin") } == nil)
    }

    @Test func defaultsAllowEveryOriginAndEchoRequestedHeaders() async throws {
        let plugin = try Self.plugin()
        var exchange = Self.preflight(origin: "https://a.test", requestHeaders: "X-Custom")
        let response = await plugin.access(&exchange)
        let headers = response?.headers ?? [:]
        #expect(PluginTest.header(headers, "Access-Control-Allow-Origin") == "*")
        #expect(PluginTest.header(headers, "Access-Control-Allow-Headers") == "X-Custom")
        #expect(PluginTest.header(headers, "Access-Control-Allow-Methods") == "GET,HEAD,PUT,PATCH,POST,DELETE,OPTIONS,TRACE,CONNECT")
        #expect(PluginTest.header(headers, "Access-Control-Allow-Credentials") == nil)
        #expect(PluginTest.header(headers, "Access-Control-Max-Age") == nil)
    }

    @Test func simpleRequestsGetOriginAndExposedHeadersOnTheResponse() async throws {
        let plugin = try Self.plugin("origins: [https://shop.example.com]\nexposed_headers: [X-Total, X-Page]")
        var exchange = PluginTest.exchange(headers: [("Origin", "https://shop.example.com")])
        let result1 = await plugin.access(&exchange)
        #expect(result1 == nil)
        var response = HTTPResponse(status: .ok)
        plugin.headerFilter(exchange, response: &response)
        #expect(PluginTest.header(response.headerFields, "Access-Control-Allow-Origin") == "https://shop.example.com")
        #expect(PluginTest.header(response.headerFields, "Access-Control-Expose-Headers") == "X-Total,X-Page")
        #expect(PluginTest.header(response.headerFields, "Vary") == "Origin")
    }

    @Test func preflightContinueLetsTheUpstreamAnswer() async throws {
        let plugin = try Self.plugin("preflight_continue: true")
        var exchange = Self.preflight(origin: "https://a.test")
        let result2 = await plugin.access(&exchange)
        #expect(result2 == nil)
        // A plain OPTIONS (no Access-Control-Request-Method) is not a preflight.
        let strict = try Self.plugin()
        var plain = PluginTest.exchange(method: .options)
        let result3 = await strict.access(&plain)
        #expect(result3 == nil)
    }

    @Test func configurationErrorsNameTheField() {
        #expect(PluginTest.configurationError("cors", "origins: ['https://(unclosed']")?.hasPrefix("config.origins[1]:") == true)
        #expect(PluginTest.configurationError("cors", "methods: [FETCH]")?.hasPrefix("config.methods[1]:") == true)
        #expect(PluginTest.configurationError("cors", "max_age: -1")?.hasPrefix("config.max_age:") == true)
        #expect(PluginTest.configurationError("cors", "credentials: sometimes")?.hasPrefix("config.credentials:") == true)
    }
}
