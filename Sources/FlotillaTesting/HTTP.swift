import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A tiny HTTP client for tests of real processes (URLSession; one request at a time).
public enum HTTP {
    /// The result of a request: status, headers (lowercased names) and body.
    public struct Reply: Sendable {
        public var status: Int
        public var headers: [String: String]
        public var body: Data
        /// The body as UTF-8 text.
        public var text: String { String(decoding: body, as: UTF8.self) }
        /// The body as a JSON object.
        public var json: [String: Any]? { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] }
    }

    /// Sends a request.
    public static func send(
        _ method: String,
        _ url: String,
        headers: [String: String] = [:],
        body: Data? = nil,
        timeout: TimeInterval = 30
    ) async throws -> Reply {
        var request = URLRequest(url: URL(string: url)!, timeoutInterval: timeout)
        request.httpMethod = method
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        request.httpBody = body
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = response as! HTTPURLResponse
        var lowered: [String: String] = [:]
        for (name, value) in http.allHeaderFields {
            lowered[String(describing: name).lowercased()] = String(describing: value)
        }
        return Reply(status: http.statusCode, headers: lowered, body: data)
    }

    /// `GET url` → (status, body).
    public static func get(_ url: String) async throws -> (Int, Data) {
        let reply = try await send("GET", url, timeout: 2)
        return (reply.status, reply.body)
    }
}
