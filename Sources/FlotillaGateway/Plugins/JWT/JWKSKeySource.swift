import AsyncHTTPClient
import Foundation
import JWTKit
import NIOCore
import Synchronization

/// Public keys from a JWKS URL (e.g. user-service's `/.well-known/jwks.json`), fetched on first use and again when a
/// token names an unknown `kid` (at most once per `refetchInterval`, so unknown kids cannot hammer the issuer).
final class JWKSKeySource: Sendable {
    let uri: String
    let refetchInterval: Duration
    private let httpClient: HTTPClient
    private let state = Mutex(State())

    private struct State {
        var collection: JWTKeyCollection?
        var kids: Set<String> = []
        var keys: [String: any JWTAlgorithm] = [:]
        var lastFetch: ContinuousClock.Instant?
        var generation = 0
    }

    init(uri: String, httpClient: HTTPClient, refetchInterval: Duration = .seconds(10)) {
        self.uri = uri
        self.httpClient = httpClient
        self.refetchInterval = refetchInterval
    }

    /// The key for `kid` (nil = the set's only key) usable with `alg`, nil when the set has none.
    func key(kid: String?, alg: String) async -> (any JWTAlgorithm)? {
        let cacheKey = "\(kid ?? "")|\(alg)"
        if let known = state.withLock({ $0.keys[cacheKey] }) { return known }
        if let found = await lookUp(kid: kid, alg: alg, cacheKey: cacheKey) { return found }
        guard await refresh() else { return nil }
        return await lookUp(kid: kid, alg: alg, cacheKey: cacheKey)
    }

    private func lookUp(kid: String?, alg: String, cacheKey: String) async -> (any JWTAlgorithm)? {
        let snapshot = state.withLock { state -> (JWTKeyCollection, Int)? in
            guard let collection = state.collection else { return nil }
            if let kid, !state.kids.contains(kid) { return nil }
            return (collection, state.generation)
        }
        guard let (collection, generation) = snapshot else { return nil }
        guard let key = try? await collection.getKey(for: kid.map { JWKIdentifier(string: $0) }, alg: alg) else { return nil }
        state.withLock { state in
            if state.generation == generation { state.keys[cacheKey] = key }
        }
        return key
    }

    /// Fetches the set again unless it was fetched less than `refetchInterval` ago; true when a new set was loaded.
    private func refresh() async -> Bool {
        let now = ContinuousClock.now
        let allowed = state.withLock { state in
            if let last = state.lastFetch, now - last < refetchInterval { return false }
            state.lastFetch = now
            return true
        }
        guard allowed, let jwks = try? await fetch() else { return false }
        let collection = JWTKeyCollection()
        for jwk in jwks.keys {
            _ = try? await collection.add(jwk: jwk, isDefault: jwks.keys.count == 1)
        }
        state.withLock { state in
            state.collection = collection
            state.kids = Set(jwks.keys.compactMap { $0.keyIdentifier?.string })
            state.keys = [:]
            state.generation += 1
        }
        return true
    }

    private func fetch() async throws -> JWKS {
        let request = HTTPClientRequest(url: uri)
        let response = try await httpClient.execute(request, timeout: .seconds(5))
        guard response.status == .ok else { throw JWKSFetchError(status: Int(response.status.code)) }
        let body = try await response.body.collect(upTo: 1 << 20)
        return try JSONDecoder().decode(JWKS.self, from: Data(body.readableBytesView))
    }
}

/// The JWKS URL answered something other than 200.
struct JWKSFetchError: Error {
    var status: Int
}
