import FlotillaCore
import FlotillaHTTP
import FlotillaTesting
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting

@testable import UserService

/// The engines user-service tests run on.
enum Engine: String, CaseIterable, CustomStringConvertible, Sendable {
    case sqlite, postgres
    var description: String { rawValue }

    func freshDatabase() throws -> DatabaseLocation {
        switch self {
        case .sqlite:
            return .sqlite(path: try Command.temporaryDirectory(prefix: "user-service").appendingPathComponent("users.sqlite").path)
        case .postgres:
            return .postgres(url: try PostgresServer.freshDatabase(prefix: "users"))
        }
    }
}

/// Builds a started user-service on `database` (bcrypt cost 4 keeps tests fast).
func makeUserService(_ database: DatabaseLocation) async throws -> UserServiceApp {
    let configuration = ServiceConfiguration(serviceName: "user-service", port: 0, database: database, logFormat: .json)
    let app = try UserServiceApp(configuration: configuration, options: .init(bcryptCost: 4))
    try await app.kit.startUp()
    return app
}

extension TestClientProtocol {
    /// Sends JSON and returns the response.
    func send(_ method: HTTPRequest.Method, _ uri: String, json: String? = nil, token: String? = nil) async throws -> TestResponse {
        var headers: HTTPFields = [:]
        if json != nil { headers[.contentType] = "application/json" }
        if let token { headers[.authorization] = "Bearer \(token)" }
        return try await execute(uri: uri, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) })
    }

    /// Registers a user and returns its id.
    func registerUser(email: String, password: String = "correct horse", name: String = "Ada") async throws -> String {
        let response = try await send(.post, "/users", json: #"{"email":"\#(email)","password":"\#(password)","name":"\#(name)"}"#)
        guard response.status == .created, let id = object(response.body)["id"] as? String else {
            throw FixtureError("registration failed: \(response.status) \(String(buffer: response.body))")
        }
        return id
    }

    /// Logs in and returns the access token.
    func login(email: String, password: String = "correct horse") async throws -> String {
        let response = try await send(.post, "/users/login", json: #"{"email":"\#(email)","password":"\#(password)"}"#)
        guard response.status == .ok, let token = object(response.body)["access_token"] as? String else {
            throw FixtureError("login failed: \(response.status) \(String(buffer: response.body))")
        }
        return token
    }
}

/// The body as a JSON object (empty when it is not one).
func object(_ buffer: ByteBuffer) -> [String: Any] {
    ((try? JSONSerialization.jsonObject(with: Data(buffer.readableBytesView))) as? [String: Any]) ?? [:]
}

/// base64url without padding.
func base64URL(_ data: Data) -> String {
    data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        .replacingOccurrences(of: "=", with: "")
}

/// Decodes one base64url segment of a JWT into a JSON object.
func decodeSegment(_ segment: Substring) -> [String: Any] {
    var text = segment.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
    while text.count % 4 != 0 { text += "=" }
    return Data(base64Encoded: text).flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] } ?? [:]
}
