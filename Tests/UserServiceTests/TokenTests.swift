import FlotillaTesting
import Foundation
import HummingbirdTesting
import Testing

@testable import UserService

@Suite struct TokenTests {
    @Test(arguments: Engine.allCases)
    func loginIssuesAnRS256TokenWithKidAndTheUsualClaims(engine: Engine) async throws {
        let app = try await makeUserService(try engine.freshDatabase())
        try await app.kit.makeApplication().test(.router) { client in
            let id = try await client.registerUser(email: "ada@example.com")
            let response = try await client.send(.post, "/users/login", json: #"{"email":"ada@example.com","password":"correct horse"}"#)
            #expect(response.status == .ok)
            #expect(response.headers[.cacheControl] == "no-store")
            let body = object(response.body)
            #expect(body["token_type"] as? String == "Bearer")
            #expect(body["expires_in"] as? Int == 3600)
            let token = try #require(body["access_token"] as? String)
            let parts = token.split(separator: ".")
            #expect(parts.count == 3)
            let header = decodeSegment(parts[0])
            let claims = decodeSegment(parts[1])
            #expect(header["alg"] as? String == "RS256")
            let jwks = object(try await client.send(.get, "/.well-known/jwks.json").body)
            let key = try #require((jwks["keys"] as? [[String: Any]])?.first)
            #expect(header["kid"] as? String == key["kid"] as? String)
            #expect(claims["iss"] as? String == "user-service")
            #expect(claims["sub"] as? String == id)
            let iat = try #require(claims["iat"] as? Int)
            let exp = try #require(claims["exp"] as? Int)
            #expect(exp - iat == 3600)
        }
        await app.store.shutdown()
    }

    @Test func aWrongPasswordAndAnUnknownEmailGetTheSame401() async throws {
        let app = try await makeUserService(try Engine.sqlite.freshDatabase())
        try await app.kit.makeApplication().test(.router) { client in
            _ = try await client.registerUser(email: "ada@example.com")
            let wrong = try await client.send(.post, "/users/login", json: #"{"email":"ada@example.com","password":"not the one"}"#)
            let unknown = try await client.send(.post, "/users/login", json: #"{"email":"nobody@example.com","password":"not the one"}"#)
            #expect(wrong.status == .unauthorized)
            #expect(unknown.status == .unauthorized)
            var first = object(wrong.body)
            var second = object(unknown.body)
            for key in ["requestId"] {
                first[key] = nil
                second[key] = nil
            }
            #expect(NSDictionary(dictionary: first).isEqual(to: second))
        }
        await app.store.shutdown()
    }

    @Test(arguments: Engine.allCases)
    func aUserSeesOnlyThemselves(engine: Engine) async throws {
        let app = try await makeUserService(try engine.freshDatabase())
        try await app.kit.makeApplication().test(.router) { client in
            let ada = try await client.registerUser(email: "ada@example.com")
            let bob = try await client.registerUser(email: "bob@example.com", name: "Bob")
            let token = try await client.login(email: "ada@example.com")
            let own = try await client.send(.get, "/users/\(ada)", token: token)
            #expect(own.status == .ok)
            #expect(object(own.body)["email"] as? String == "ada@example.com")
            let other = try await client.send(.get, "/users/\(bob)", token: token)
            #expect(other.status == .forbidden)
            let anonymous = try await client.send(.get, "/users/\(ada)")
            #expect(anonymous.status == .unauthorized)
            #expect(anonymous.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
        }
        await app.store.shutdown()
    }

    @Test func forgedTamperedExpiredAndMalformedTokensAre401() async throws {
        let app = try await makeUserService(try Engine.sqlite.freshDatabase())
        let issuer = try await app.tokenIssuerForTests()
        try await app.kit.makeApplication().test(.router) { client in
            let ada = try await client.registerUser(email: "ada@example.com")
            let bob = try await client.registerUser(email: "bob@example.com")
            let token = try await client.login(email: "ada@example.com")
            let parts = token.split(separator: ".").map(String.init)

            let noneHeader = base64URL(Data(#"{"alg":"none","typ":"JWT"}"#.utf8))
            let algNone = "\(noneHeader).\(parts[1])."
            var claims = decodeSegment(Substring(parts[1]))
            claims["sub"] = bob
            let tamperedPayload = base64URL(try JSONSerialization.data(withJSONObject: claims))
            let tampered = "\(parts[0]).\(tamperedPayload).\(parts[2])"
            let expired = try await issuer.issue(for: ada, now: Date().addingTimeInterval(-7200)).access_token
            let otherKey = try await TokenIssuer(signingKey: .generate(), issuer: "user-service", lifetime: 3600)
            let wrongKey = try await otherKey.issue(for: ada).access_token

            for (name, candidate) in [
                ("alg none", algNone), ("tampered", tampered), ("expired", expired), ("wrong key", wrongKey),
                ("garbage", "not.a.jwt"), ("empty", ""),
            ] {
                let response = try await client.send(.get, "/users/\(name == "tampered" ? bob : ada)", token: candidate)
                #expect(response.status == .unauthorized, "\(name) token was accepted")
                #expect(response.headers[.contentType] == "application/problem+json")
            }
            let expiredResponse = try await client.send(.get, "/users/\(ada)", token: expired)
            #expect(object(expiredResponse.body)["detail"] as? String == "The token has expired.")
        }
        await app.store.shutdown()
    }

    @Test func theSigningKeyIsKeptAcrossRestarts() async throws {
        let database = try Engine.sqlite.freshDatabase()
        let first = try await makeUserService(database)
        let firstKid = try await first.tokenIssuerForTests().signingKey.kid
        await first.store.shutdown()
        let second = try await makeUserService(database)
        let secondKid = try await second.tokenIssuerForTests().signingKey.kid
        await second.store.shutdown()
        #expect(firstKid == secondKid)
    }

    /// PyJWT, a verifier nobody here wrote, accepts the token with the published JWKS.
    @Test func pyJWTVerifiesTheTokenWithThePublishedJWKS() async throws {
        let app = try await makeUserService(try Engine.sqlite.freshDatabase())
        try await app.kit.makeApplication().test(.router) { client in
            let id = try await client.registerUser(email: "ada@example.com")
            let token = try await client.login(email: "ada@example.com")
            let jwks = String(buffer: try await client.send(.get, "/.well-known/jwks.json").body)
            let script = """
                import json, sys
                try:
                    import jwt
                except ImportError:
                    sys.exit("PyJWT is missing: pip install 'pyjwt[crypto]'")
                token, jwks = sys.argv[1], json.loads(sys.argv[2])
                kid = jwt.get_unverified_header(token)["kid"]
                key = next(jwt.PyJWK(k) for k in jwks["keys"] if k["kid"] == kid)
                claims = jwt.decode(token, key.key, algorithms=["RS256"], issuer="user-service",
                                    options={"require": ["exp", "iat", "iss", "sub"]})
                print(claims["sub"])
                """
            let output = try await Command.run("/usr/bin/env", ["python3", "-c", script, token, jwks])
            #expect(output.trimmingCharacters(in: .whitespacesAndNewlines) == id)
        }
        await app.store.shutdown()
    }
}
