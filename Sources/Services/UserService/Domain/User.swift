import Foundation

/// A registered user as the API shows it: never the password hash.
public struct User: Codable, Sendable, Equatable {
    /// The user's id (a UUID, lowercase).
    public var id: String
    /// The e-mail address, lowercased.
    public var email: String
    /// The display name.
    public var name: String
    /// When the user registered (RFC 3339).
    public var createdAt: String
}

/// A user as stored: the public fields plus the bcrypt hash.
struct StoredUser: Codable, Sendable {
    var id: String
    var email: String
    var name: String
    var password_hash: String
    var created_at: String

    var user: User { User(id: id, email: email, name: name, createdAt: created_at) }
}
