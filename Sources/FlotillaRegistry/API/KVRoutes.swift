import FlotillaHTTP
import Foundation
import Hummingbird

/// `GET|PUT|DELETE /v1/kv/{key}` with `?recurse`, `?keys`, `?separator`, `?raw`, `?cas`, `?flags`; reads block.
struct KVRoutes {
    let registry: Registry

    /// Consul's limit on one value.
    static let maximumValueSize = 512 * 1024

    func register(on routes: RouteTable) {
        for path in ["/v1/kv", "/v1/kv/**"] {
            routes.get(path) { request, _ in try await ConsulResponse.guarded { try await get(request) } }
            routes.put(path) { request, context in try await ConsulResponse.guarded { try await put(request, context: context) } }
            routes.delete(path) { request, _ in try await ConsulResponse.guarded { try await delete(request) } }
        }
    }

    /// The key from the raw path: everything after `/v1/kv/`, percent-decoded.
    static func key(of request: Request) -> String {
        var path = Substring(request.uri.path)
        path = path.dropFirst("/v1/kv".count)
        if path.hasPrefix("/") { path = path.dropFirst() }
        return String(path).removingPercentEncoding ?? String(path)
    }

    private func get(_ request: Request) async throws -> Response {
        let key = Self.key(of: request)
        let recurse = try ConsulResponse.flag("recurse", in: request)
        let keysOnly = try ConsulResponse.flag("keys", in: request)
        let raw = try ConsulResponse.flag("raw", in: request)
        let separator = ConsulQuery.value("separator", in: request.uri.query) ?? ""
        let query = try BlockingQuery(request)
        let (index, entries) = await query.run(notifier: registry.notifier, topic: .kv) {
            registry.read { state in
                if recurse || keysOnly { return (state.kvIndex, state.entries(prefix: key)) }
                return (state.kvIndex(key: key), state.kv[key].map { [$0] } ?? [])
            }
        }
        guard !entries.isEmpty else { return ConsulResponse.notFound(index: index) }
        if keysOnly { return ConsulResponse.json(Self.keys(entries.map(\.key), prefix: key, separator: separator), index: index) }
        if raw, !recurse { return ConsulResponse.bytes(entries[0].value ?? [], contentType: "text/plain; charset=utf-8", index: index) }
        return ConsulResponse.json(entries.map { ConsulShapes.KVPair(entry: $0) }, index: index)
    }

    /// `?keys&separator=/`: keys under `prefix`, rolled up to the first separator after it.
    static func keys(_ keys: [String], prefix: String, separator: String) -> [String] {
        guard !separator.isEmpty else { return keys }
        var result: [String] = []
        for key in keys {
            let rest = key.dropFirst(prefix.count)
            let rolled = rest.range(of: separator).map { prefix + String(rest[..<$0.upperBound]) } ?? key
            if result.last != rolled { result.append(rolled) }
        }
        return result
    }

    private func put(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let key = Self.key(of: request)
        guard !key.isEmpty else { throw ConsulError(.methodNotAllowed, "Missing key name") }
        let flags = try Self.number("flags", in: request)
        let cas = try Self.number("cas", in: request)
        let body = try await request.body.collect(upTo: max(context.maxUploadSize, Self.maximumValueSize + 1))
        guard body.readableBytes <= Self.maximumValueSize else {
            throw ConsulError(.contentTooLarge, "Request body(\(body.readableBytes) bytes) too large, max size: \(Self.maximumValueSize) bytes.")
        }
        let value = body.readableBytes == 0 ? nil : Array(body.readableBytesView)
        let stored = try await registry.change { state in state.put(key: key, value: value, flags: flags, cas: cas) }
        return ConsulResponse.json(stored)
    }

    private func delete(_ request: Request) async throws -> Response {
        let key = Self.key(of: request)
        let recurse = try ConsulResponse.flag("recurse", in: request)
        let cas = try Self.number("cas", in: request)
        let deleted = try await registry.change { state in state.delete(key: key, recurse: recurse, cas: cas) }
        return ConsulResponse.json(deleted)
    }

    private static func number(_ name: String, in request: Request) throws(ConsulError) -> UInt64? {
        guard let text = request.uri.queryParameters[name[...]] else { return nil }
        guard let value = UInt64(text) else { throw ConsulError(.badRequest, "Invalid \(name == "cas" ? "cas index" : name): \(text)") }
        return value
    }
}
