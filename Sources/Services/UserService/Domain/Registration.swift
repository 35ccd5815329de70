import FlotillaCore
import Foundation

/// The body of `POST /users`. Fields are optional here so a missing one is reported by name.
struct RegistrationRequest: Decodable {
    var email: String?
    var password: String?
    var name: String?
}

/// A registration that passed validation.
struct Registration {
    var email: String
    var password: String
    var name: String

    /// Validates a request; the problem names the first bad field.
    init(_ request: RegistrationRequest) throws(ProblemDetails) {
        guard let email = request.email else { throw .invalidField("email", "email is required.") }
        guard let password = request.password else { throw .invalidField("password", "password is required.") }
        guard let name = request.name else { throw .invalidField("name", "name is required.") }
        let normalizedEmail = email.trimmingCharacters(in: .whitespaces).lowercased()
        guard Self.isEmail(normalizedEmail) else {
            throw .invalidField("email", "email must be an e-mail address such as ada@example.com.")
        }
        guard password.count >= 8 else { throw .invalidField("password", "password must have at least 8 characters.") }
        // bcrypt reads at most 72 bytes; a longer password would be silently truncated.
        guard password.utf8.count <= 72 else { throw .invalidField("password", "password must be at most 72 bytes.") }
        let trimmedName = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmedName.isEmpty else { throw .invalidField("name", "name must not be empty.") }
        guard trimmedName.count <= 200 else { throw .invalidField("name", "name must be at most 200 characters.") }
        self.email = normalizedEmail
        self.password = password
        self.name = trimmedName
    }

    /// A pragmatic address check: one `@`, a non-empty local part, a dotted domain, no spaces or controls.
    static func isEmail(_ text: String) -> Bool {
        guard text.utf8.count <= 254 else { return false }
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[0].count <= 64 else { return false }
        let domain = parts[1]
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, labels.allSatisfy({ !$0.isEmpty && !$0.hasPrefix("-") && !$0.hasSuffix("-") }) else { return false }
        let forbidden = CharacterSet.whitespacesAndNewlines.union(.controlCharacters).union(CharacterSet(charactersIn: "()<>[]\\,;:\""))
        return text.unicodeScalars.allSatisfy { !forbidden.contains($0) }
            && domain.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." }
    }
}

/// The body of `POST /users/login`.
struct LoginRequest: Decodable {
    var email: String?
    var password: String?
}

/// The answer to a successful login (OAuth 2 token response field names).
struct TokenResponse: Codable {
    var access_token: String
    var token_type: String
    var expires_in: Int
}
