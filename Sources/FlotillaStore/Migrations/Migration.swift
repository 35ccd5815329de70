import SQLKit

/// One versioned change to a service's schema.
///
/// ```swift
/// Migration(version: 1, name: "create users") { db in
///     try await db.create(table: "users").column("id", type: .text, .primaryKey(autoIncrement: false)).run()
/// }
/// ```
public struct Migration: Sendable {
    /// The version; migrations run in increasing version order and each runs once.
    public var version: Int
    /// A short description, recorded with the version.
    public var name: String
    /// The change, run inside a transaction.
    public var apply: @Sendable (any SQLDatabase) async throws -> Void

    /// Creates a migration.
    public init(version: Int, name: String, apply: @escaping @Sendable (any SQLDatabase) async throws -> Void) {
        self.version = version
        self.name = name
        self.apply = apply
    }
}

/// Why migrations could not run.
public struct MigrationError: Error, CustomStringConvertible, Sendable {
    /// What is wrong.
    public var description: String
}
