import FlotillaDiscovery
import FlotillaHTTPClient
import FlotillaResilience
import Foundation
import NIOCore
import NIOHTTP1

/// The services order-service calls, found through discovery and called through the resilient client
/// (one circuit breaker per downstream).
struct Downstreams: Sendable {
    static let inventory = "inventory-service"
    static let payment = "payment-service"
    static let shipping = "shipping-service"
    static let user = "user-service"
    static let all = [inventory, payment, shipping, user]

    let client: ResilientHTTPClient
    let balancer: LoadBalancer

    /// The client policy: a short per-attempt timeout and one quick retry; the saga retries beyond that.
    static let clientConfiguration = ResilientHTTPClientConfiguration(
        defaultPolicy: .init(
            timeout: .seconds(5),
            retry: .init(maxAttempts: 2, baseDelay: .milliseconds(20), maxDelay: .milliseconds(200)),
            circuitBreaker: .init()
        ),
        maxResponseBodyBytes: 1024 * 1024,
        attemptTimeout: .seconds(5)
    )

    /// Sends a request to `service` at `path` with a JSON body and an idempotency key.
    func send(
        _ method: HTTPMethod,
        _ path: String,
        to service: String,
        json: (some Encodable)?,
        idempotencyKey: String? = nil
    ) async throws -> ResilientHTTPResponse {
        var headers = HTTPHeaders()
        var body: ByteBuffer?
        if let json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            body = ByteBuffer(data: try encoder.encode(json))
            headers.add(name: "Content-Type", value: "application/json")
        }
        let request = body
        return try await balancer.withInstance(of: service) { instance in
            try await client.execute(
                ResilientHTTPRequest(
                    method: method,
                    url: instance.baseURL + path,
                    headers: headers,
                    body: request,
                    idempotencyKey: idempotencyKey
                ),
                downstream: service
            )
        }
    }

    /// `GET path` on `service`.
    func get(_ path: String, from service: String) async throws -> ResilientHTTPResponse {
        try await send(.GET, path, to: service, json: Optional<EmptyBody>.none)
    }
}

/// No body.
struct EmptyBody: Encodable {}
