import Crypto
import FlotillaStore
import Foundation
import SQLKit
import Synchronization

/// The secret that keys request fingerprints (HMAC-SHA256), so a recorded fingerprint reveals nothing
/// about a body — a card number in a payment request, say — even to someone holding the database.
///
/// Generated on first use and kept in the ledger's own table, so every replica and every restart
/// agrees on it; loaded once per process.
final class FingerprintKey: Sendable {
    static let table = "flotilla_idempotency_secrets"

    private let store: Store
    private let cached = Mutex<SymmetricKey?>(nil)

    init(store: Store) {
        self.store = store
    }

    /// The key, created in the store if it has none yet.
    func get() async throws -> SymmetricKey {
        if let key = cached.withLock({ $0 }) { return key }
        let fresh = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0).base64EncodedString() }
        try await store.sql.insert(into: Self.table).columns("name", "value")
            .values(SQLBind("fingerprint-key"), SQLBind(fresh))
            .ignoringConflicts(with: ["name"])
            .run()
        guard
            let row = try await store.sql.select().column("value").from(Self.table)
                .where("name", .equal, SQLBind("fingerprint-key")).first(),
            let data = Data(base64Encoded: try row.decode(column: "value", as: String.self))
        else { throw FingerprintKeyError() }
        let key = SymmetricKey(data: data)
        cached.withLock { $0 = key }
        return key
    }
}

/// The stored fingerprint key is unreadable.
struct FingerprintKeyError: Error, CustomStringConvertible {
    var description: String { "the idempotency fingerprint key in \(FingerprintKey.table) is not valid base64" }
}
