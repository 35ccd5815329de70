import FlotillaCore
import FlotillaHTTP
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

struct Greeting: Codable {
    var name: String
    var count: Int
}

/// A kit with a few routes that exercise the middleware.
func makeKit(maxBodySize: Int = 1 << 20, checkFails: Bool = false) throws -> ServiceKit {
    let configuration = ServiceConfiguration(serviceName: "kit-test", port: 0, logFormat: .json, maxBodySize: maxBodySize)
    let kit = try ServiceKit(configuration: configuration)
    kit.routes.post("/greetings") { request, context in
        let greeting = try await request.decodeJSON(as: Greeting.self, context: context)
        return try JSONResponse.make(greeting, status: .created)
    }
    kit.routes.get("/items/{id}") { _, context in
        try context.parameters.require("id")
    }
    kit.routes.get("/boom") { _, _ -> String in
        struct Secret: Error {}
        throw Secret()
    }
    if checkFails {
        struct DatabaseDown: Error, CustomStringConvertible { var description: String { "connection refused" } }
        kit.readiness.addCheck(.init(name: "database") { throw DatabaseDown() })
    }
    return kit
}

func json(_ buffer: ByteBuffer) -> [String: Any] {
    ((try? JSONSerialization.jsonObject(with: Data(buffer.readableBytesView))) as? [String: Any]) ?? [:]
}

@Suite struct ServiceKitTests {
    @Test func healthRoutesAndReadinessBeforeAndAfterStartUp() async throws {
        let kit = try makeKit()
        let readiness = kit.readiness
        try await kit.makeApplication().test(.router) { client in
            try await client.execute(uri: "/health/live", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/health/ready", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(json(response.body)["status"] as? String == "starting")
            }
            try await client.execute(uri: "/items/1", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(response.headers[.contentType] == "application/problem+json")
            }
            readiness.markStarted()
            try await client.execute(uri: "/health/ready", method: .get) { #expect($0.status == .ok) }
            readiness.markShuttingDown()
            try await client.execute(uri: "/health/ready", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(json(response.body)["status"] as? String == "shutting down")
            }
        }
    }

    @Test func readinessFailsWhenACheckFails() async throws {
        let kit = try makeKit(checkFails: true)
        try await kit.startUp()
        try await kit.makeApplication().test(.router) { client in
            try await client.execute(uri: "/health/ready", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                let checks = json(response.body)["checks"] as? [String: String]
                #expect(checks?["database"] == "failing: connection refused")
            }
        }
    }

    @Test func unknownRouteIsA404ProblemDocument() async throws {
        let kit = try makeKit()
        try await kit.startUp()
        try await kit.makeApplication().test(.router) { client in
            try await client.execute(uri: "/nowhere", method: .get, headers: [.xRequestID: "trace-me-1"]) { response in
                #expect(response.status == .notFound)
                #expect(response.headers[.contentType] == "application/problem+json")
                #expect(response.headers[.xRequestID] == "trace-me-1")
                let problem = json(response.body)
                #expect(problem["status"] as? Int == 404)
                #expect(problem["title"] as? String == "Not Found")
                #expect(problem["type"] as? String == "https://flotilla.dev/problems/not-found")
                #expect(problem["instance"] as? String == "/nowhere")
                #expect(problem["requestId"] as? String == "trace-me-1")
            }
        }
    }

    @Test func requestIDIsKeptWhenSaneAndReplacedOtherwise() async throws {
        let kit = try makeKit()
        try await kit.startUp()
        try await kit.makeApplication().test(.router) { client in
            try await client.execute(uri: "/health/live", method: .get, headers: [.xRequestID: "abc-123"]) {
                #expect($0.headers[.xRequestID] == "abc-123")
            }
            try await client.execute(uri: "/health/live", method: .get, headers: [.xRequestID: "bad id with spaces"]) {
                let id = $0.headers[.xRequestID]
                #expect(id != nil && id != "bad id with spaces" && id?.count == 32)
            }
            try await client.execute(uri: "/health/live", method: .get) { #expect($0.headers[.xRequestID]?.count == 32) }
        }
    }

    @Test(arguments: [
        ("{\"name\": \"x\", \"count\": 1,,}", "The body is not valid JSON: expected a quoted member name at line 1, column 26."),
        ("{\n  \"name\": \"x\"\n  \"count\": 1}", "The body is not valid JSON: expected ',' or '}' at line 3, column 3."),
        ("{\"name\": \"x\"}", "count is required."),
        ("{\"name\": 5, \"count\": 1}", "name has the wrong type; expected a string."),
        ("{\"name\": null, \"count\": 1}", "name must not be null; expected a string."),
        ("", "The request body is empty; expected a JSON object."),
    ])
    func malformedBodiesAre400sNamingTheFieldOrPosition(body: String, detail: String) async throws {
        let kit = try makeKit()
        try await kit.startUp()
        try await kit.makeApplication().test(.router) { client in
            try await client.execute(
                uri: "/greetings",
                method: .post,
                headers: [.contentType: "application/json"],
                body: ByteBuffer(string: body)
            ) { response in
                #expect(response.status == .badRequest)
                #expect(response.headers[.contentType] == "application/problem+json")
                #expect(json(response.body)["detail"] as? String == detail)
            }
        }
    }

    @Test func aValidBodyIsDecoded() async throws {
        let kit = try makeKit()
        try await kit.startUp()
        try await kit.makeApplication().test(.router) { client in
            try await client.execute(
                uri: "/greetings",
                method: .post,
                headers: [.contentType: "application/json"],
                body: ByteBuffer(string: "{\"name\":\"Ada\",\"count\":2}")
            ) { response in
                #expect(response.status == .created)
                #expect(json(response.body)["name"] as? String == "Ada")
            }
        }
    }

    @Test func bodiesOverTheLimitAre413WhetherDeclaredOrStreamed() async throws {
        let kit = try makeKit(maxBodySize: 64)
        try await kit.startUp()
        let big = "{\"name\":\"" + String(repeating: "x", count: 200) + "\",\"count\":1}"
        try await kit.makeApplication().test(.live) { client in
            try await client.execute(
                uri: "/greetings",
                method: .post,
                headers: [.contentType: "application/json"],
                body: ByteBuffer(string: big)
            ) { response in
                #expect(response.status == .contentTooLarge)
                #expect(response.headers[.contentType] == "application/problem+json")
            }
        }
        try await kit.makeApplication().test(.router) { client in
            // No Content-Length: the limit applies while the body is read.
            try await client.execute(
                uri: "/greetings",
                method: .post,
                headers: [.contentType: "application/json", .transferEncoding: "chunked"],
                body: ByteBuffer(string: big)
            ) { response in
                #expect(response.status == .contentTooLarge)
            }
        }
    }

    @Test func aFaultIsA500ThatRevealsNothing() async throws {
        let kit = try makeKit()
        try await kit.startUp()
        try await kit.makeApplication().test(.router) { client in
            try await client.execute(uri: "/boom", method: .get) { response in
                #expect(response.status == .internalServerError)
                let problem = json(response.body)
                #expect((problem["detail"] as? String)?.contains("Secret") == false)
                #expect(problem["requestId"] as? String == response.headers[.xRequestID])
            }
        }
    }

    @Test func metricsUseTheRouteTemplateNotThePath() async throws {
        let kit = try makeKit()
        try await kit.startUp()
        try await kit.makeApplication().test(.router) { client in
            for id in ["a1", "b2", "c3"] {
                try await client.execute(uri: "/items/\(id)", method: .get) { #expect($0.status == .ok) }
            }
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
                let text = String(buffer: response.body)
                #expect(text.contains("http_requests_total{service=\"kit-test\",method=\"GET\",route=\"/items/{id}\",status=\"200\"}"))
                #expect(
                    text.contains("http_request_duration_seconds_bucket{service=\"kit-test\",method=\"GET\",route=\"/items/{id}\",status=\"200\"")
                )
                #expect(!text.contains("/items/a1"))
            }
        }
    }
}
