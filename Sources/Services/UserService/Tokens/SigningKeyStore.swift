import FlotillaStore
import Foundation
import SQLKit

/// Finds the signing key: the one given by environment, else the one kept in the store, else a new
/// one that is generated and kept (first start). Replicas starting together agree on the oldest key.
struct SigningKeyStore: Sendable {
    let store: Store

    func load(givenPEM: String?) async throws -> SigningKey {
        if let givenPEM { return try SigningKey(pem: givenPEM) }
        if let existing = try await oldest() { return existing }
        let key = try SigningKey.generate()
        do {
            try await store.sql.insert(into: "signing_keys")
                .columns("kid", "private_key_pem", "created_at")
                .values(SQLBind(key.kid), SQLBind(key.pem), SQLBind(ISO8601DateFormatter().string(from: Date())))
                .run()
        } catch  where Store.isUniqueViolation(error) {}
        return try await oldest() ?? key
    }

    private func oldest() async throws -> SigningKey? {
        let row = try await store.sql.select().column("private_key_pem").from("signing_keys")
            .orderBy("created_at").orderBy("kid").limit(1).first()
        return try row.map { try SigningKey(pem: $0.decode(column: "private_key_pem", as: String.self)) }
    }
}
