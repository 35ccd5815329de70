import FlotillaStore
import Foundation
import SQLKit

/// Reads and writes users in user-service's own database.
struct UserRepository: Sendable {
    let store: Store

    /// Inserts a user; returns `nil` when the e-mail is taken.
    func insert(_ user: StoredUser) async throws -> User? {
        do {
            try await store.sql.insert(into: "users").model(user).run()
            return user.user
        } catch  where Store.isUniqueViolation(error) {
            return nil
        }
    }

    func find(id: String) async throws -> StoredUser? {
        try await store.sql.select().columns("*").from("users").where("id", .equal, id).first(decoding: StoredUser.self)
    }

    func find(email: String) async throws -> StoredUser? {
        try await store.sql.select().columns("*").from("users").where("email", .equal, email).first(decoding: StoredUser.self)
    }
}
