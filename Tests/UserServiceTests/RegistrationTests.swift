import Foundation
import HummingbirdTesting
import Testing

@testable import UserService

@Suite struct RegistrationTests {
    @Test(arguments: Engine.allCases)
    func registrationReturnsTheUserWithoutTheHash(engine: Engine) async throws {
        let app = try await makeUserService(try engine.freshDatabase())
        try await app.kit.makeApplication().test(.router) { client in
            let response = try await client.send(.post, "/users", json: #"{"email":"Ada@Example.com","password":"correct horse","name":" Ada "}"#)
            #expect(response.status == .created)
            let user = object(response.body)
            #expect(Set(user.keys) == ["id", "email", "name", "createdAt"])
            #expect(user["email"] as? String == "ada@example.com")
            #expect(user["name"] as? String == "Ada")
            #expect(response.headers[.location] == "/users/\(user["id"] as? String ?? "")")
            #expect(!String(buffer: response.body).contains("$2"))
        }
        await app.store.shutdown()
    }

    @Test(arguments: [
        (#"{"password":"correct horse","name":"Ada"}"#, "email"),
        (#"{"email":"ada@example.com","name":"Ada"}"#, "password"),
        (#"{"email":"ada@example.com","password":"correct horse"}"#, "name"),
        (#"{"email":"not-an-email","password":"correct horse","name":"Ada"}"#, "email"),
        (#"{"email":"a@b","password":"correct horse","name":"Ada"}"#, "email"),
        (#"{"email":"a b@c.de","password":"correct horse","name":"Ada"}"#, "email"),
        (#"{"email":"ada@example.com","password":"short","name":"Ada"}"#, "password"),
        (#"{"email":"ada@example.com","password":"\#(String(repeating: "x", count: 73))","name":"Ada"}"#, "password"),
        (#"{"email":"ada@example.com","password":"correct horse","name":"   "}"#, "name"),
        (#"{"email":42,"password":"correct horse","name":"Ada"}"#, "email"),
    ])
    func invalidRegistrationsAre400NamingTheField(body: String, field: String) async throws {
        let app = try await makeUserService(try Engine.sqlite.freshDatabase())
        try await app.kit.makeApplication().test(.router) { client in
            let response = try await client.send(.post, "/users", json: body)
            #expect(response.status == .badRequest)
            #expect(response.headers[.contentType] == "application/problem+json")
            #expect(object(response.body)["field"] as? String == field)
        }
        await app.store.shutdown()
    }

    @Test(arguments: Engine.allCases)
    func aDuplicateEmailIs409WhateverItsCase(engine: Engine) async throws {
        let app = try await makeUserService(try engine.freshDatabase())
        try await app.kit.makeApplication().test(.router) { client in
            _ = try await client.registerUser(email: "grace@example.com")
            let response = try await client.send(.post, "/users", json: #"{"email":"GRACE@example.com","password":"another one","name":"G"}"#)
            #expect(response.status == .conflict)
            #expect(object(response.body)["field"] as? String == "email")
        }
        await app.store.shutdown()
    }
}
