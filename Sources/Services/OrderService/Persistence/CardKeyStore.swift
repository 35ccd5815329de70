import Crypto
import FlotillaStore
import Foundation
import SQLKit

/// Loads the key that seals card details: given by configuration, or generated on first start and kept
/// in the store (safe when two replicas start at once: the first insert wins).
struct CardKeyStore: Sendable {
    let store: Store

    func load(givenBase64: String?) async throws -> SymmetricKey {
        if let givenBase64, let data = Data(base64Encoded: givenBase64) { return SymmetricKey(data: data) }
        let fresh = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0).base64EncodedString() }
        try await store.sql.insert(into: "order_secrets").columns("name", "value")
            .values(SQLBind("card-key"), SQLBind(fresh))
            .ignoringConflicts(with: ["name"])
            .run()
        guard
            let row = try await store.sql.select().column("value").from("order_secrets")
                .where("name", .equal, SQLBind("card-key")).first(),
            let data = Data(base64Encoded: try row.decode(column: "value", as: String.self))
        else { throw CardSealError() }
        return SymmetricKey(data: data)
    }
}
