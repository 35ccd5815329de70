import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// A client of the registry's Consul HTTP API (Flotilla's `flotilla registry`, or Consul itself).
///
/// ```swift
/// let client = RegistryClient(baseURL: "http://127.0.0.1:8500")
/// try await client.register(.init(id: "orders-1", name: "orders", address: "127.0.0.1", port: 9005,
///                                  check: .http(url: "http://127.0.0.1:9005/health/ready", interval: .seconds(5))))
/// let (index, instances) = try await client.healthyInstances(of: "orders")
/// ```
public struct RegistryClient: Sendable {
    /// Why a call failed: the registry's status and plain-text message.
    public struct Failure: Error, CustomStringConvertible, Sendable {
        /// The HTTP status.
        public var status: Int
        /// The registry's message.
        public var message: String
        public var description: String { "registry answered \(status): \(message)" }
    }

    /// The registry's base URL (`REGISTRY_URL` or `CONSUL_HTTP_ADDR`).
    public let baseURL: String
    private let httpClient: HTTPClient
    private let timeout: Duration

    /// Creates a client; `baseURL` may omit the scheme (`127.0.0.1:8500`), as `CONSUL_HTTP_ADDR` does.
    public init(baseURL: String, httpClient: HTTPClient = .shared, timeout: Duration = .seconds(10)) {
        var url = baseURL.hasPrefix("http://") || baseURL.hasPrefix("https://") ? baseURL : "http://" + baseURL
        while url.hasSuffix("/") { url.removeLast() }
        self.baseURL = url
        self.httpClient = httpClient
        self.timeout = timeout
    }

    /// The registry URL from the environment: `REGISTRY_URL`, else `CONSUL_HTTP_ADDR`, else `nil`.
    public static func url(fromEnvironment environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        for name in ["REGISTRY_URL", "CONSUL_HTTP_ADDR"] {
            if let value = environment[name], !value.isEmpty { return value }
        }
        return nil
    }

    /// Registers (or re-registers) an instance.
    public func register(_ registration: InstanceRegistration) async throws {
        _ = try await send(.PUT, "/v1/agent/service/register", body: try JSONEncoder().encode(registration))
    }

    /// Removes an instance.
    public func deregister(id: String) async throws {
        _ = try await send(.PUT, "/v1/agent/service/deregister/\(Self.escape(id))")
    }

    /// Reports a TTL check as passing.
    public func pass(checkID: String, note: String = "") async throws {
        _ = try await send(.PUT, "/v1/agent/check/pass/\(Self.escape(checkID))?note=\(Self.escape(note))")
    }

    /// The instances of `service` whose checks all pass; with `index`, a blocking query held up to `wait`. With
    /// `datacenter`, those of that datacenter (`?dc=`; nil asks the registry's own).
    public func healthyInstances(
        of service: String,
        datacenter: String? = nil,
        index: UInt64 = 0,
        wait: Duration = .seconds(60)
    ) async throws -> (index: UInt64, instances: [DiscoveredInstance]) {
        var path = "/v1/health/service/\(Self.escape(service))?passing"
        if let datacenter { path += "&dc=\(Self.escape(datacenter))" }
        if index > 0 { path += "&index=\(index)&wait=\(wait.components.seconds)s" }
        let (headers, body) = try await send(.GET, path, timeout: index > 0 ? wait + timeout : timeout)
        let entries = try JSONDecoder().decode([HealthEntry].self, from: body)
        let instances = entries.map { entry in
            DiscoveredInstance(
                id: entry.Service.ID,
                service: entry.Service.Service,
                host: entry.Service.Address.isEmpty ? entry.Node.Address : entry.Service.Address,
                port: entry.Service.Port,
                tags: entry.Service.Tags ?? [],
                meta: entry.Service.Meta ?? [:],
                weight: entry.Service.Weights?.Passing ?? 1
            )
        }
        return (headers.first(name: "X-Consul-Index").flatMap(UInt64.init) ?? 0, instances)
    }

    private struct HealthEntry: Decodable {
        struct Node: Decodable { var Address: String }
        struct Service: Decodable {
            var ID, Service, Address: String
            var Port: Int
            var Tags: [String]?
            var Meta: [String: String]?
            var Weights: Weights?
        }
        struct Weights: Decodable { var Passing: Int? }
        var Node: Node
        var Service: Service
    }

    private func send(_ method: HTTPMethod, _ path: String, body: Data? = nil, timeout: Duration? = nil) async throws -> (HTTPHeaders, Data) {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        let limit = timeout ?? self.timeout
        let response = try await httpClient.execute(request, timeout: .seconds(limit.components.seconds + 1))
        let buffer = try await response.body.collect(upTo: 16 << 20)
        let data = Data(buffer.readableBytesView)
        guard (200..<300).contains(Int(response.status.code)) else {
            throw Failure(status: Int(response.status.code), message: String(decoding: data, as: UTF8.self))
        }
        return (response.headers, data)
    }

    private static func escape(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(.init(charactersIn: "-._~"))) ?? text
    }
}
