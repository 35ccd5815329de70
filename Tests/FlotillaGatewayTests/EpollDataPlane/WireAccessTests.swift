import FlotillaResilience
import Foundation
import HTTPTypes
import NIOCore
import NIOHTTP1
import Testing

@testable import FlotillaGateway

/// jwt and rate-limiting on a plain request's bytes (``WireAccessPlugin``) against their usual phases: two chains
/// built from one configuration see the same requests, one the usual way and one on bytes where it can, and the
/// upstream head, the client's response heads and the outcome handed to the NIO plane must be the same bytes.
@Suite("Plugins on bytes: jwt and rate-limiting send what their usual phases send")
struct WireAccessTests {
    static let secret = "wire-secret-of-at-least-32-bytes!!"
    static let clock = UnixTime(seconds: 1_800_000_123.25)

    static func yaml(_ plugins: String, consumers: String = "") -> String {
        """
        _format_version: "3.0"
        services:
          - name: backend
            url: http://127.0.0.1:9
            routes:
              - name: api
                paths: [/]
                plugins:
        \(plugins)
        consumers:
          - username: ada
            custom_id: custom-7
            jwt_secrets:
              - {key: ada-issuer, secret: \(secret), algorithm: HS256}
            keyauth_credentials:
              - {key: ada-key}
        \(consumers)
        """
    }

    /// Plugin entries under the route's `plugins:` (ten spaces in).
    static let jwtAndLimits =
        "          - name: jwt\n            config: {claims_to_verify: [exp]}\n"
        + "          - name: rate-limiting\n            config: {second: 100000, hour: 1000000}"

    /// The route's chain, with rate-limiting's clock stopped at ``clock`` and a counter store of its own.
    static func chain(_ yaml: String, services: PluginServices = PluginServices()) throws -> PluginChain {
        let building = PluginBuilding { consumers in
            var builders = GatewayPluginFactory.kongPlugins
            builders["rate-limiting"] = { config, _ in
                RateLimitingPlugin(configuration: try RateLimitingPluginConfiguration(config), store: InMemoryRateLimitCounterStore()) { clock }
            }
            return GatewayPluginFactory(consumers: consumers, services: services, builders: builders)
        }
        let configuration = try GatewayConfigurationLoader.parse(yaml, file: "gateway.yaml", plugins: building)
        return try #require(PluginChain.make(configuration: configuration, routeIndex: 0, serviceIndex: 0))
    }

    static let upstreamHeads = [
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\n",
        // Fields a plugin also sets: the head is rebuilt, the plugin's value wins.
        "HTTP/1.1 200 OK\r\nratelimit-limit: 7\r\nContent-Length: 2\r\nX-Request-ID: from-upstream\r\n\r\n",
        "HTTP/1.1 404 Not Found\r\nX-RateLimit-Remaining-Second: 1\r\nTransfer-Encoding: chunked\r\n\r\n",
    ]

    static func upstreamHead(_ text: String) throws -> UpstreamResponseHead {
        try Array(text.utf8).withUnsafeBytes {
            try UpstreamResponseHeadParser.parse($0, requestWasHead: false, decodeChunks: false, allocator: ByteBufferAllocator())
        }
    }

    /// The usual access phase, as the epoll plane runs it for a request it cannot run on bytes.
    static func usual(_ chain: PluginChain, _ request: WireRequest) -> (response: GatewayPluginResponse?, plugins: AppliedPlugins) {
        var exchange = GatewayExchange(request)
        guard case .finished(let response, let ran) = chain.accessWithoutSuspending(&exchange) else {
            Issue.record("jwt and rate-limiting never suspend here")
            return (nil, AppliedPlugins(exchange: exchange, ran: []))
        }
        return (response, AppliedPlugins(exchange: exchange, ran: ran))
    }

    /// What the upstream and the client get, from the usual outcome (`plugins`) or from bytes (`wire`).
    static func sent(_ request: WireRequest, plugins: AppliedPlugins?, wire: WireAccessState?) throws -> [String] {
        let allocator = ByteBufferAllocator()
        let upstream =
            if let plugins {
                ForwardedHeaders.upstreamRequest(
                    method: request.head.method,
                    fields: plugins.exchange.request.headerFields,
                    uri: "/upstream",
                    hostHeader: nil,
                    clientAddress: request.clientAddress,
                    localPort: "8080",
                    requestID: "generated-id",
                    allocator: allocator
                )
            } else {
                PlainUpstreamRequest.bytes(
                    request.head,
                    in: request.bytes,
                    addedFields: wire?.consumerFields ?? [],
                    uri: "/upstream",
                    hostHeader: nil,
                    clientAddress: request.clientAddress,
                    localPort: "8080",
                    requestID: "generated-id",
                    allocator: allocator
                )
            }
        var sent = [String(buffer: upstream)]
        for text in upstreamHeads {
            var head = try upstreamHead(text)
            let bytes = ClientResponseHead.bytes(
                &head,
                plugins: plugins,
                wireFields: wire?.responseFields ?? WireResponseFields(),
                requestID: "generated-id",
                connection: nil,
                allocator: allocator
            )
            sent.append(String(buffer: bytes))
        }
        // The gateway's own answer (a 502 after the plugins ran) carries their response fields too.
        var failure = GatewayErrorResponse.head(.badGateway, length: 2, keepAlive: true)
        plugins?.filter(&failure)
        wire?.responseFields.add(to: &failure.headers)
        sent.append(String(buffer: ResponseHeadWriter.bytes(failure, allocator: allocator)))
        return sent
    }

    /// `text` as the plugins read it, on a connection whose earlier requests left `memo`.
    static func withRequest<Result>(
        _ text: String,
        memo: WireConnectionMemo = WireConnectionMemo(),
        _ body: (WireRequest) throws -> Result
    ) throws -> Result? {
        let bytes = Array(text.utf8)
        guard let head = PlainRequestHead.parse(bytes: bytes).plainHead else { return nil }
        return try bytes.withUnsafeBytes { raw in
            try body(WireRequest(head: head, bytes: raw, clientAddress: "192.0.2.7", routeName: "api", serviceName: "backend", memo: memo))
        }
    }

    /// Requests with `credential` (a header line) in many shapes: the plain heads of the other suites with it, and
    /// the cases that must go the usual way whatever the plugin (`specific` adds the plugin's own).
    static func requests(credential: String, specific: [String]) -> [String] {
        let line = credential + "\r\n"
        let tabled = PlainUpstreamRequestTests.heads.map { head -> String in
            guard let lineEnd = head.range(of: "\r\n") else { return head }
            return String(head[..<lineEnd.upperBound]) + line + String(head[lineEnd.upperBound...])
        }
        return tabled + specific + [
            "GET /a HTTP/1.1\r\nHost: shop\r\n\(line)\r\n",
            "GET /a HTTP/1.1\r\nHost: shop\r\n\(line)X-Consumer-ID: spoofed\r\nx-credential-identifier: spoofed\r\n\r\n",
            "GET /a HTTP/1.1\r\nHost: shop\r\n\(line)X-Anonymous-Consumer: true\r\n\r\n",
            "GET /a HTTP/1.1\r\nHost: shop\r\n\(line)\(line)\r\n",
            "GET /a HTTP/1.1\r\nHost: shop\r\n\r\n",
            "GET /a HTTP/1.1\r\nHost: shop\r\nX-Note: caf\u{E9}\r\n\(line)\r\n",
            "GET /a HTTP/1.1\r\nHost: shop\r\n\(line)Connection: close\r\n\r\n",
        ]
    }

    /// jwt's own shapes: a lower-case field name, `bearer`, two spaces, a token in the query, a query without one,
    /// a token no one signed.
    static func jwtRequests(token: String) -> [String] {
        requests(
            credential: "Authorization: Bearer \(token)",
            specific: [
                "HEAD /a HTTP/1.1\r\nHost: shop\r\nauthorization: Bearer \(token)\r\nAccept: */*\r\n\r\n",
                "GET /a HTTP/1.1\r\nHost: shop\r\nAuthorization: bearer \(token)\r\n\r\n",
                "GET /a HTTP/1.1\r\nHost: shop\r\nAuthorization: Bearer  \(token)\r\n\r\n",
                "GET /a?jwt=\(token) HTTP/1.1\r\nHost: shop\r\n\r\n",
                "GET /a?q=1 HTTP/1.1\r\nHost: shop\r\nAuthorization: Bearer \(token)\r\n\r\n",
                "GET /a HTTP/1.1\r\nHost: shop\r\nAuthorization: Bearer \(token)x\r\n\r\n",
            ]
        )
    }

    /// key-auth's own shapes: another case, an empty or unknown key, a key in the query, a query without one.
    static let keyAuthRequests = requests(
        credential: "apikey: ada-key",
        specific: [
            "HEAD /a HTTP/1.1\r\nHost: shop\r\nAPIKEY: ada-key\r\nAccept: */*\r\n\r\n",
            "GET /a HTTP/1.1\r\nHost: shop\r\napikey:\r\n\r\n",
            "GET /a HTTP/1.1\r\nHost: shop\r\napikey: nobody-has-it\r\n\r\n",
            "GET /a?apikey=ada-key HTTP/1.1\r\nHost: shop\r\n\r\n",
            "GET /a?q=1 HTTP/1.1\r\nHost: shop\r\napikey: ada-key\r\n\r\n",
        ]
    )

    /// Runs `requests` twice through two chains of `configuration`, one always the usual way and one on bytes where it
    /// can, and holds every request that ran on bytes to the usual phases' bytes. Returns how many ran each way.
    static func compare(_ configuration: String, plugins: [String], requests: [String]) throws -> (onBytes: Int, usualOnly: Int) {
        let usualChain = try Self.chain(configuration)
        let wireChain = try Self.chain(configuration)
        #expect(wireChain.wirePlugins?.map(\.name) == plugins)
        var onBytes = 0
        var usualOnly = 0
        // One connection: what the plugins remember from a request serves the next (or must not, for another credential).
        let memo = WireConnectionMemo()
        // And its state, reused as the epoll plane reuses it: what one request left must not reach the next.
        var spare: WireAccessState?
        for text in requests + requests {
            try Self.withRequest(text, memo: memo) { request in
                let expected = Self.usual(usualChain, request)
                if !isKnownUniquelyReferenced(&spare) { spare = nil }
                let reused = wireChain.wireAccess(request, reusing: spare)
                spare = reused ?? spare
                guard let wire = reused else {
                    // The usual way on both sides, so that both count every request.
                    let fallback = Self.usual(wireChain, request)
                    #expect(fallback.response?.status == expected.response?.status, "\(text)")
                    usualOnly += 1
                    return
                }
                onBytes += 1
                #expect(expected.response == nil, "on bytes only what the usual phases let through: \(text)")
                let viaBytes = try Self.sent(request, plugins: nil, wire: wire)
                let viaUsualPhases = try Self.sent(request, plugins: expected.plugins, wire: nil)
                #expect(viaBytes == viaUsualPhases, "\(text)")
                // Handed to the NIO plane, the outcome is the usual one.
                let handed = AppliedPlugins(wire, request: request)
                #expect(Array(handed.exchange.request.headerFields) == Array(expected.plugins.exchange.request.headerFields), "\(text)")
                #expect(Array(handed.exchange.responseHeaders) == Array(expected.plugins.exchange.responseHeaders), "\(text)")
                #expect(handed.exchange.consumer == expected.plugins.exchange.consumer)
                #expect(handed.exchange.credentialIdentifier == expected.plugins.exchange.credentialIdentifier)
                #expect(handed.ran.map(\.name) == expected.plugins.ran.map(\.name))
            }
        }
        return (onBytes, usualOnly)
    }

    @Test("jwt: the upstream head, the response heads and the outcome handed to NIO are the usual phases' bytes")
    func jwtSameBytesAsTheUsualPhases() async throws {
        let token = try await PyJWT.mint([
            .init(payload: ["iss": "ada-issuer", "exp": .number(Double(PyJWT.now + 3_600))], key: Self.secret, alg: "HS256", headers: nil)
        ])[0]
        let (onBytes, usualOnly) = try Self.compare(
            Self.yaml(Self.jwtAndLimits),
            plugins: ["jwt", "rate-limiting"],
            requests: Self.jwtRequests(token: token)
        )
        // The first use of the token goes the usual way (which verifies and caches it); then most run on bytes.
        #expect(onBytes >= 30)
        // Spoofed consumer fields, forwarding fields, a second or unusual Authorization, a query, non-ASCII, no token.
        #expect(usualOnly >= 2 * 9)
    }

    @Test("key-auth: the upstream head, the response heads and the outcome handed to NIO are the usual phases' bytes")
    func keyAuthSameBytesAsTheUsualPhases() throws {
        let plugins = "          - name: key-auth\n          - name: rate-limiting\n            config: {minute: 100000}"
        let (onBytes, usualOnly) = try Self.compare(Self.yaml(plugins), plugins: ["key-auth", "rate-limiting"], requests: Self.keyAuthRequests)
        #expect(onBytes >= 30)
        // Spoofed consumer fields, forwarding fields, a second, empty or unknown key, a query, non-ASCII, no key.
        #expect(usualOnly >= 2 * 9)
    }

    @Test("a request over the limit goes the usual way: the 429 with Kong's headers, counted once")
    func overTheLimit() async throws {
        let token = try await PyJWT.mint([
            .init(payload: ["iss": "ada-issuer", "exp": .number(Double(PyJWT.now + 3_600))], key: Self.secret, alg: "HS256", headers: nil)
        ])[0]
        let chain = try Self.chain(
            Self.yaml("          - name: jwt\n          - name: rate-limiting\n            config: {second: 3}")
        )
        let text = "GET /a HTTP/1.1\r\nHost: shop\r\nAuthorization: Bearer \(token)\r\n\r\n"
        var outcomes: [String] = []
        let memo = WireConnectionMemo()
        for _ in 0..<5 {
            try Self.withRequest(text, memo: memo) { request in
                if let wire = chain.wireAccess(request) {
                    outcomes.append("bytes " + String(decoding: wire.responseFields.lines, as: UTF8.self).split(separator: "\r\n")[1])
                } else {
                    let usual = Self.usual(chain, request)
                    outcomes.append("usual \(usual.response?.status.code ?? 200) \(usual.response?.headers[.retryAfter] ?? "-")")
                }
            }
        }
        #expect(
            outcomes == [
                "usual 200 -", "bytes RateLimit-Remaining: 1", "bytes RateLimit-Remaining: 0", "usual 429 1", "usual 429 1",
            ]
        )
    }

    @Test("a head's consumer fields are found as it is parsed, as a second look at each field finds them")
    func consumerFieldsFoundWhileParsing() throws {
        let managed = ["X-Consumer-ID", "x-consumer-custom-id", "X-CONSUMER-USERNAME", "X-Credential-Identifier", "x-Anonymous-Consumer"]
        let others = [
            "X-Consumer", "X-Consumer-IDs", "X-Consumer-Id2", "Authorization", "X-Credential", "x-anonymous-consumers", "X-Consumer-Custom",
        ]
        for name in managed + others {
            for text in ["GET / HTTP/1.1\r\n\(name): v\r\nHost: a\r\n\r\n", "GET / HTTP/1.1\r\nHost: a\r\nAccept: */*\r\n\(name): v\r\n\r\n"] {
                let bytes = Array(text.utf8)
                let head = try #require(PlainRequestHead.parse(bytes: bytes).plainHead)
                var found = false
                bytes.withUnsafeBytes { raw in
                    head.forEachField(in: raw) { name, _ in
                        if ConsumerAuthentication.isManaged(name) { found = true }
                    }
                }
                #expect(head.hasConsumerFields == found, "\(name)")
                #expect(head.hasConsumerFields == managed.contains(name), "\(name)")
            }
        }
    }

    @Test("prometheus: a request whose plugins ran on bytes is counted as the usual log phase counts it")
    func prometheusOnBytes() async throws {
        let token = try await PyJWT.mint([
            .init(payload: ["iss": "ada-issuer", "exp": .number(Double(PyJWT.now + 3_600))], key: Self.secret, alg: "HS256", headers: nil)
        ])[0]
        let prometheus =
            "\n          - name: prometheus\n"
            + "            config: {status_code_metrics: true, latency_metrics: true, bandwidth_metrics: true, per_consumer: true}"
        let configuration = Self.yaml(Self.jwtAndLimits + prometheus)
        let usualServices = PluginServices()
        let wireServices = PluginServices()
        let usualChain = try Self.chain(configuration, services: usualServices)
        let wireChain = try Self.chain(configuration, services: wireServices)
        #expect(wireChain.wirePlugins?.map(\.name) == ["jwt", "rate-limiting", "prometheus"])
        let memo = WireConnectionMemo()
        var onBytes = 0
        for text in Self.jwtRequests(token: token) {
            // The upstream's status, or the gateway's own 502 or 504.
            for upstreamStatus in [200, 404, 502] {
                // What a data plane measured: a plugin's exit, the upstream's answer or the gateway's own.
                func outcome(_ response: GatewayPluginResponse?) -> ResponseOutcome {
                    if let response {
                        return ResponseOutcome(
                            status: response.status.code,
                            source: .exit,
                            requestBytes: 310,
                            responseBytes: 95,
                            upstreamLatency: nil
                        )
                    }
                    let answered = upstreamStatus != 502
                    return ResponseOutcome(
                        status: upstreamStatus,
                        source: answered ? .service : .error,
                        requestBytes: 310 + upstreamStatus,
                        responseBytes: 2 * upstreamStatus,
                        upstreamLatency: answered ? .milliseconds(2) : nil
                    )
                }
                try Self.withRequest(text, memo: memo) { request in
                    let expected = Self.usual(usualChain, request)
                    expected.plugins.log(outcome(expected.response))
                    guard let wire = wireChain.wireAccess(request) else {
                        let fallback = Self.usual(wireChain, request)
                        fallback.plugins.log(outcome(fallback.response))
                        return
                    }
                    onBytes += 1
                    let completion = WireCompletion(
                        routeName: request.routeName,
                        serviceName: request.serviceName,
                        consumer: wire.consumer,
                        outcome: outcome(nil),
                        latency: .milliseconds(3)
                    )
                    for plugin in wire.logs { plugin.wireLog(completion) }
                }
            }
        }
        #expect(onBytes >= 30)
        // Every counter, and how many latencies each histogram holds (their values differ: the clocks differ).
        func counts(_ services: PluginServices) -> [String] {
            services.metricsText.split(separator: "\n").map(String.init)
                .filter { $0.hasPrefix("kong_http_requests_total{") || $0.hasPrefix("kong_bandwidth_bytes{") || $0.contains("_count{") }
                .sorted()
        }
        let usual = counts(usualServices)
        #expect(usual.contains { $0.contains(#"consumer="ada""#) && $0.hasPrefix("kong_http_requests_total") })
        #expect(usual.contains { $0.contains(#"source="error""#) && $0.contains(#"code="502""#) })
        #expect(usual.contains { $0.hasPrefix("kong_upstream_latency_ms_count{") })
        #expect(usual.contains { $0.hasPrefix(#"kong_bandwidth_bytes{service="backend",route="api",direction="egress""#) })
        #expect(counts(wireServices) == usual)
    }

    @Test("a header line's number is written as String(value) writes it")
    func decimals() throws {
        let name = WireFieldName(try #require(HTTPField.Name("X-Count")))
        let values = [0, 1, 9, 10, 11, 99, 100, 12_345, 1_000_000, Int.max, -1, Int.min] + (0..<2_000).map { _ in Int.random(in: 0...Int.max) }
        for value in values {
            var fields = WireResponseFields()
            fields.append(name, value)
            #expect(fields.lines == Array("X-Count: \(value)\r\n".utf8))
        }
    }

    @Test("a chain runs on bytes only where every plugin can, and one that counts requests comes last")
    func whichChainsRunOnBytes() throws {
        #expect(try Self.chain(Self.yaml(Self.jwtAndLimits)).wirePlugins != nil)
        #expect(try Self.chain(Self.yaml("          - name: rate-limiting\n            config: {minute: 5}")).wirePlugins != nil)
        #expect(try Self.chain(Self.yaml("          - name: jwt")).wirePlugins != nil)
        // prometheus comes last and never falls back: it may follow rate-limiting.
        #expect(try Self.chain(Self.yaml("          - name: prometheus")).wirePlugins != nil)
        #expect(try Self.chain(Self.yaml(Self.jwtAndLimits + "\n          - name: prometheus")).wirePlugins?.count == 3)
        #expect(try Self.chain(Self.yaml(Self.jwtAndLimits + "\n          - name: prometheus")).wireLogPlugins.map(\.name) == ["prometheus"])
        #expect(try Self.chain(Self.yaml(Self.jwtAndLimits)).wireLogPlugins.isEmpty)
        // key-auth hiding the key, or reading it from the query alone; a limit by header; cookies before headers; a
        // plugin that filters response headers.
        #expect(try Self.chain(Self.yaml("          - name: key-auth")).wirePlugins != nil)
        #expect(try Self.chain(Self.yaml("          - name: key-auth\n            config: {hide_credentials: true}")).wirePlugins == nil)
        #expect(try Self.chain(Self.yaml("          - name: key-auth\n            config: {key_in_header: false}")).wirePlugins == nil)
        #expect(
            try Self.chain(Self.yaml("          - name: rate-limiting\n            config: {minute: 5, limit_by: header, header_name: x-team}"))
                .wirePlugins == nil
        )
        #expect(try Self.chain(Self.yaml("          - name: jwt\n            config: {cookie_names: [jwt]}")).wirePlugins == nil)
        #expect(try Self.chain(Self.yaml("          - name: jwt\n          - name: correlation-id")).wirePlugins == nil)
        // A consumer with plugins of its own: they join once the consumer is known, the usual way.
        let consumerScoped = Self.yaml(
            "          - name: jwt",
            consumers: """
                plugins:
                  - name: rate-limiting
                    consumer: ada
                    config: {minute: 5}
                """
        )
        #expect(try Self.chain(consumerScoped).wirePlugins == nil)
    }
}
