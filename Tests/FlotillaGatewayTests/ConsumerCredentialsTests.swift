import Testing

@testable import FlotillaGateway

/// Credentials nested under a consumer and credentials at the top level with a `consumer:` reference (Kong's
/// declarative format and `deck` write both) give the same consumers.
@Suite("Consumer credentials, nested and top-level")
struct ConsumerCredentialsTests {
    private let secret = "a-shared-secret-of-at-least-32-bytes!!"

    @Test("top-level jwt_secrets and keyauth_credentials attach to the consumer they reference, as nested ones do")
    func topLevelEqualsNested() throws {
        let nested = try GatewayConfigurationLoader.parse(
            """
            consumers:
              - username: ada
                jwt_secrets:
                  - key: ada-issuer
                    secret: \(secret)
                    algorithm: HS256
                keyauth_credentials:
                  - key: ada-key
              - username: bob
                id: 5d1c8f3e-0000-4000-8000-000000000b0b
                keyauth_credentials:
                  - key: bob-key
                  - key: bob-key-2
            """,
            file: "nested.yaml"
        )
        let topLevel = try GatewayConfigurationLoader.parse(
            """
            _format_version: "3.0"
            consumers:
              - username: ada
              - username: bob
                id: 5d1c8f3e-0000-4000-8000-000000000b0b
            jwt_secrets:
              - consumer: ada
                key: ada-issuer
                secret: \(secret)
                algorithm: HS256
            keyauth_credentials:
              - consumer: ada
                key: ada-key
              - consumer: 5d1c8f3e-0000-4000-8000-000000000b0b
                key: bob-key
              - consumer: {id: 5d1c8f3e-0000-4000-8000-000000000b0b}
                key: bob-key-2
            """,
            file: "top-level.yaml"
        )
        #expect(topLevel.consumers == nested.consumers)
        #expect(topLevel.consumerNames == ["ada", "bob"])
        let directory = ConsumerDirectory(topLevel.consumers)
        #expect(directory.jwtCredential(key: "ada-issuer")?.consumer.username == "ada")
        #expect(directory.jwtCredential(key: "ada-issuer")?.credential.secret == secret)
        #expect(directory.keyAuthCredential(apiKey: "ada-key")?.consumer.username == "ada")
        #expect(directory.keyAuthCredential(apiKey: "bob-key")?.consumer.username == "bob")
        #expect(directory.keyAuthCredential(apiKey: "bob-key-2")?.consumer.username == "bob")
        #expect(directory.keyAuthCredential(apiKey: "nobody") == nil)
    }

    @Test("a consumer may have nested and top-level credentials at once")
    func nestedAndTopLevelTogether() throws {
        let configuration = try GatewayConfigurationLoader.parse(
            """
            consumers:
              - username: ada
                keyauth_credentials:
                  - key: nested-key
            keyauth_credentials:
              - consumer: ada
                key: top-level-key
            """,
            file: "gateway.yaml"
        )
        #expect(configuration.consumers.count == 1)
        #expect(configuration.consumers[0].keyAuthCredentials.map(\.key) == ["nested-key", "top-level-key"])
    }

    private func error(_ text: String) -> String {
        do {
            _ = try GatewayConfigurationLoader.parse(text, file: "gateway.yaml")
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    @Test(
        "a bad reference, a duplicate or a missing field is one line naming the field",
        arguments: [
            (
                "consumers:\n  - username: ada\njwt_secrets:\n  - consumer: bob\n    key: k\n    secret: s\n",
                "gateway.yaml:4: jwt_secrets[0].consumer: no consumer with username or id \"bob\""
            ),
            (
                "consumers:\n  - username: ada\nkeyauth_credentials:\n  - consumer: {username: ada}\n    key: k\n",
                "gateway.yaml:4: keyauth_credentials[0].consumer: expected a consumer's username or id (consumer: ada) or {id: ...}"
            ),
            (
                "consumers:\n  - username: ada\nkeyauth_credentials:\n  - consumer: {id: nobody}\n    key: k\n",
                "gateway.yaml:4: keyauth_credentials[0].consumer: no consumer with username or id \"nobody\""
            ),
            (
                "consumers:\n  - username: ada\nkeyauth_credentials:\n  - key: k\n",
                "gateway.yaml:4: keyauth_credentials[0].consumer: is required"
            ),
            (
                "consumers:\n  - username: ada\nkeyauth_credentials:\n  - consumer: ada\n",
                "gateway.yaml:4: keyauth_credentials[0].key: is required"
            ),
            (
                "consumers:\n  - username: ada\nkeyauth_credentials:\n  - consumer: ada\n    key: k\n    secret: s\n",
                "gateway.yaml:6: keyauth_credentials[0].secret: unknown field"
            ),
            (
                "consumers:\n  - username: ada\njwt_secrets:\n  - consumer: ada\n    secret: s\n",
                "gateway.yaml:4: jwt_secrets[0].key: is required"
            ),
            (
                "consumers:\n  - username: ada\njwt_secrets:\n  - consumer: ada\n    key: k\n",
                "gateway.yaml:4: jwt_secrets[0].secret: required for HS256"
            ),
            (
                "consumers:\n  - username: ada\njwt_secrets:\n  - consumer: ada\n    key: k\n    algorithm: RS256\n",
                "gateway.yaml:4: jwt_secrets[0].rsa_public_key: required for RS256"
            ),
            (
                "consumers:\n  - username: ada\njwt_secrets:\n  - consumer: ada\n    key: k\n    secret: s\n    algorithm: none\n",
                "gateway.yaml:7: jwt_secrets[0].algorithm: expected one of: HS256"
            ),
            (
                "consumers:\n  - username: ada\n    jwt_secrets:\n      - key: k\n        secret: s\n  - username: bob\njwt_secrets:\n  - consumer: bob\n    key: k\n    secret: t\n",
                "gateway.yaml:9: jwt_secrets[0].key: duplicate jwt key \"k\" (already used by consumer ada)"
            ),
            (
                "consumers:\n  - username: ada\n  - username: bob\nkeyauth_credentials:\n  - consumer: ada\n    key: k\n  - consumer: bob\n    key: k\n",
                "gateway.yaml:8: keyauth_credentials[1].key: duplicate key-auth key (already used by consumer ada)"
            ),
            (
                "consumers:\n  - username: ada\n    keyauth_credentials:\n      - key: k\n      - key: k\n",
                "gateway.yaml:5: consumers[0].keyauth_credentials[1].key: duplicate key-auth key (already used by consumer ada)"
            ),
            (
                "consumers:\n  - username: ada\n    jwt_secrets:\n      - key: k\n",
                "gateway.yaml:4: consumers[0].jwt_secrets[0].secret: required for HS256"
            ),
            (
                "consumers:\n  - username: ada\n  - username: ada\n",
                "gateway.yaml:3: consumers[1].username: duplicate consumer \"ada\""
            ),
        ]
    )
    func badCredentials(text: String, expected: String) {
        let message = error(text)
        #expect(message.hasPrefix(expected), "got: \(message)")
        #expect(!message.contains("\n"))
    }

    @Test("a key-auth key is never repeated in an error")
    func keyAuthKeyStaysSecret() {
        let message = error("consumers:\n  - username: ada\n    keyauth_credentials:\n      - key: s3cr3t-api-key\n      - key: s3cr3t-api-key\n")
        #expect(message.contains("duplicate key-auth key"))
        #expect(!message.contains("s3cr3t-api-key"))
    }
}
