import FlotillaCore
import FlotillaHTTP
import FlotillaHTTPClient
import Foundation
import Hummingbird
import JWTKit
import Synchronization

/// Verifies user-service's access tokens with the keys it publishes at `/.well-known/jwks.json`.
///
/// The key set is fetched on first use and again (at most every 10 seconds) when a token names a key
/// id not yet known, so a rotated key is picked up without a restart.
final class UserTokens: Sendable {
    private let downstreams: Downstreams
    private let jwksURL: String?
    private let issuer: String
    private let state = Mutex<(authenticator: BearerAuthenticator?, lastFetch: ContinuousClock.Instant?)>((nil, nil))

    init(downstreams: Downstreams, jwksURL: String?, issuer: String) {
        self.downstreams = downstreams
        self.jwksURL = jwksURL
        self.issuer = issuer
    }

    /// The caller's user id, or a 401 problem.
    func userID(of request: Request) async throws -> String {
        guard let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") else {
            // Answer at once, without fetching keys: the same 401 the authenticator gives.
            return try await BearerAuthenticator(keys: JWTKeyCollection(), issuer: issuer).authenticate(request).sub.value
        }
        let authenticator = try await currentAuthenticator(refresh: false)
        do {
            return try await authenticator.authenticate(request).sub.value
        } catch {
            // Perhaps a key we have not seen yet: refresh once, then decide.
            guard let refreshed = try? await currentAuthenticator(refresh: true) else { throw error }
            return try await refreshed.authenticate(request).sub.value
        }
    }

    private func currentAuthenticator(refresh: Bool) async throws -> BearerAuthenticator {
        let (current, lastFetch) = state.withLock { $0 }
        if let current, !refresh { return current }
        if refresh, let lastFetch, lastFetch.duration(to: .now) < .seconds(10), let current { return current }
        let jwks = try await fetchJWKS()
        let keys = try await JWTKeyCollection().add(jwksJSON: jwks)
        let authenticator = BearerAuthenticator(keys: keys, issuer: issuer)
        state.withLock { $0 = (authenticator, .now) }
        return authenticator
    }

    private func fetchJWKS() async throws -> String {
        do {
            let response: ResilientHTTPResponse
            if let jwksURL {
                response = try await downstreams.client.get(jwksURL, downstream: Downstreams.user)
            } else {
                response = try await downstreams.get("/.well-known/jwks.json", from: Downstreams.user)
            }
            guard response.status.code == 200 else {
                throw TransientDownstreamError(downstream: Downstreams.user, status: Int(response.status.code), body: response.bodyString)
            }
            return response.bodyString
        } catch {
            throw ProblemDetails.unavailable("The keys to verify the token cannot be fetched from user-service; try again.")
        }
    }
}
