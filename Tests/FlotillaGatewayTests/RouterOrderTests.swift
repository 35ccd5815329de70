import Testing

@testable import FlotillaGateway

/// Kong's traditional router: routes with more matching rules first (hosts, headers, paths, methods); among equals,
/// plain hosts before wildcards, regex paths before prefixes, more headers first, higher `regex_priority`, longer
/// paths, then the order of creation.
@Suite("Router order (Kong traditional router)")
struct RouterOrderTests {
    static let configuration = """
        services:
          - name: s
            url: http://127.0.0.1:9
            routes:
              - {name: A, paths: [/]}
              - {name: B, paths: [/api]}
              - {name: C, paths: [/api/users]}
              - {name: D, paths: ["~/api/users/\\\\d+$"]}
              - {name: E, paths: ["~/api/v\\\\d+/.*"], regex_priority: 10}
              - {name: F, hosts: [api.example.com], paths: [/api]}
              - {name: G, hosts: ["*.example.com"], paths: [/api]}
              - {name: H, methods: [POST], paths: [/api/users]}
              - {name: I, headers: {x-canary: ["true"]}, paths: [/api]}
              - {name: J, paths: ["~/r/.*"]}
              - {name: K, paths: ["~/r/.*x"], regex_priority: 1}
              - {name: L, hosts: ["api.*"], paths: [/l]}
              - {name: M, methods: [DELETE]}
        """

    @Test(
        "the route that takes each request",
        arguments: [
            ("GET", "example.org", "/anything", [String: String](), "A"),
            ("GET", "example.org", "/api/x", [:], "B"),
            ("GET", "example.org", "/api/users", [:], "C"),
            ("GET", "example.org", "/api/users/abc", [:], "C"),
            ("GET", "example.org", "/api/users/42", [:], "D"),
            ("GET", "example.org", "/api/v2/users/42", [:], "E"),
            ("GET", "api.example.com", "/api/users", [:], "F"),
            ("GET", "foo.example.com", "/api/users", [:], "G"),
            ("POST", "example.org", "/api/users", [:], "H"),
            ("GET", "example.org", "/api/users", ["x-canary": "true"], "I"),
            ("GET", "example.org", "/api/users", ["x-canary": "TRUE"], "I"),
            ("GET", "api.example.com", "/api/users", ["x-canary": "true"], "F"),
            ("GET", "example.org", "/r/abc", [:], "J"),
            ("GET", "example.org", "/r/abx", [:], "K"),
            ("GET", "api.internal", "/l", [:], "L"),
            ("GET", "other.internal", "/l", [:], "A"),
            ("DELETE", "example.org", "/whatever", [:], "A"),
        ]
    )
    func order(method: String, host: String, path: String, headers: [String: String], expected: String) throws {
        let snapshot = GatewaySnapshot(try GatewayConfigurationLoader.parse(Self.configuration, file: "router.yaml"))
        let decision = snapshot.decide(method: method, host: host, path: path[...], query: nil) { headers[$0] }
        guard case .proxy(let target) = decision else {
            Issue.record("no route for \(method) \(host) \(path)")
            return
        }
        #expect(target.routeName == expected)
    }

    @Test("the evaluation order itself")
    func evaluationOrder() throws {
        let snapshot = GatewaySnapshot(try GatewayConfigurationLoader.parse(Self.configuration, file: "router.yaml"))
        let names = snapshot.routes.compactMap(\.route.name)
        // Two rules: host+path (plain host, then wildcard), header+path, path+method; then one rule.
        #expect(Array(names.prefix(5)) == ["F", "G", "L", "I", "H"])
        #expect(Array(names.suffix(8)) == ["E", "K", "D", "J", "C", "B", "A", "M"])
    }

    @Test("nothing matches: no route")
    func noRoute() throws {
        let text = "services:\n  - name: s\n    url: http://127.0.0.1:9\n    routes:\n      - {paths: [/api], hosts: [a.example]}\n"
        let snapshot = GatewaySnapshot(try GatewayConfigurationLoader.parse(text, file: "router.yaml"))
        guard case .noRoute = snapshot.decide(method: "GET", host: "b.example", path: "/api"[...], query: nil, headers: { _ in nil }) else {
            Issue.record("expected no route")
            return
        }
    }

    @Test("a path prefix is compared byte by byte, as nginx compares it, and strip_path drops its bytes")
    func bytewisePrefix() throws {
        let configuration = """
            services:
              - name: s
                url: http://127.0.0.1:9
                routes:
                  - {name: cafe, paths: [/cafe], strip_path: true}
            """
        let snapshot = GatewaySnapshot(try GatewayConfigurationLoader.parse(configuration, file: "router.yaml"))
        // "e" followed by a combining accent: one Character "é", but the path's bytes start with "/cafe".
        let decision = snapshot.decide(method: "GET", host: "h", path: "/cafe\u{301}/menu"[...], query: nil) { _ in nil }
        guard case .proxy(let target) = decision else {
            Issue.record("no route")
            return
        }
        #expect(target.upstreamURI == "/\u{301}/menu")
    }

    @Test(
        "upstream path: strip_path and the service path (Kong path_handling v0)",
        arguments: [
            (String?.none, "/api/users/42", 10, "/42"),
            (nil, "/api/users", 10, "/"),
            ("/users", "/api/users/42", 10, "/users/42"),
            ("/users", "/api/users", 10, "/users"),
            ("/users/", "/api/users/42", 10, "/users/42"),
            ("/", "/api/users/42", 0, "/api/users/42"),
            (nil, "/api/users/42", 0, "/api/users/42"),
            // The prefix's length is in bytes (é is two).
            (nil, "/caf\u{E9}/menu", 6, "/menu"),
        ]
    )
    func upstreamPath(service: String?, path: String, strip: Int, expected: String) {
        #expect(GatewaySnapshot.upstreamPath(service: service, path: path[...], strip: strip) == expected)
    }
}
