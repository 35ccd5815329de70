import Crypto
import FlotillaCore
import FlotillaHTTP
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct IdempotentExecutorTests {
    @Test(arguments: Engine.allCases)
    func withoutAKeyEveryRequestRuns(engine: Engine) async throws {
        let service = try await ChargeService(engine: engine)
        try await service.kit.makeApplication().test(.router) { client in
            let response1 = try await client.charge(10, key: nil)
            #expect(response1.status == .created)
            let response2 = try await client.charge(10, key: nil)
            #expect(response2.status == .created)
        }
        #expect(try await service.chargeCount() == 2)
        await service.store.shutdown()
    }

    @Test(arguments: Engine.allCases)
    func aRepeatReplaysTheFirstResponseAndChangesNothing(engine: Engine) async throws {
        let service = try await ChargeService(engine: engine)
        try await service.kit.makeApplication().test(.router) { client in
            let first = try await client.charge(10, key: "order-1:charge")
            let second = try await client.charge(10, key: "order-1:charge")
            #expect(first.status == .created)
            #expect(first.headers[.idempotentReplayed] == nil)
            #expect(second.status == .created)
            #expect(second.headers[.idempotentReplayed] == "true")
            #expect(String(buffer: second.body) == String(buffer: first.body))
            #expect(second.headers[.location] == first.headers[.location])
            #expect(second.headers[.contentType] == "application/json")
        }
        #expect(try await service.chargeCount() == 1)
        await service.store.shutdown()
    }

    @Test(arguments: Engine.allCases)
    func theSameKeyWithAnotherBodyIs422(engine: Engine) async throws {
        let service = try await ChargeService(engine: engine)
        try await service.kit.makeApplication().test(.router) { client in
            let response3 = try await client.charge(10, key: "k")
            #expect(response3.status == .created)
            let reused = try await client.charge(11, key: "k")
            #expect(reused.status == .unprocessableContent)
            #expect(reused.headers[.contentType] == ProblemDetails.mediaType)
            #expect(String(buffer: reused.body).contains(#""field":"Idempotency-Key""#))
        }
        #expect(try await service.chargeCount() == 1)
        await service.store.shutdown()
    }

    @Test(arguments: Engine.allCases)
    func aReturnedRefusalIsRecordedAndReplayed(engine: Engine) async throws {
        let service = try await ChargeService(engine: engine)
        try await service.kit.makeApplication().test(.router) { client in
            let first = try await client.charge(402, key: "declined")
            let second = try await client.charge(402, key: "declined")
            #expect(first.status == .init(code: 402))
            #expect(second.status == .init(code: 402))
            #expect(second.headers[.idempotentReplayed] == "true")
            #expect(second.headers[.contentType] == ProblemDetails.mediaType)
        }
        #expect(try await service.chargeCount() == 1)
        await service.store.shutdown()
    }

    @Test(arguments: Engine.allCases)
    func thrownErrorsRollBackAndRecordNothing(engine: Engine) async throws {
        let service = try await ChargeService(engine: engine)
        try await service.kit.makeApplication().test(.router) { client in
            let first = try await client.charge(-1, key: "bad")
            let second = try await client.charge(-1, key: "bad")
            #expect(first.status == .badRequest)
            #expect(second.status == .badRequest)
            #expect(second.headers[.idempotentReplayed] == nil)
            // The key was not used up by the failure: a corrected request may not reuse it with another
            // body, but the same key with the same body ran again (and failed again) above.
        }
        #expect(try await service.chargeCount() == 0)
        await service.store.shutdown()
    }

    @Test(arguments: Engine.allCases)
    func concurrentRepeatsRunTheWorkOnce(engine: Engine) async throws {
        let service = try await ChargeService(engine: engine)
        try await service.kit.makeApplication().test(.live) { client in
            let bodies = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<20 {
                    group.addTask {
                        let response = try await client.charge(25, key: "race")
                        #expect(response.status == .created)
                        return String(buffer: response.body)
                    }
                }
                return try await group.reduce(into: Set<String>()) { $0.insert($1) }
            }
            #expect(bodies.count == 1)
        }
        #expect(try await service.chargeCount() == 1)
        await service.store.shutdown()
    }

    @Test func keysAreScopedAndValidated() async throws {
        let service = try await ChargeService(engine: .sqlite)
        try await service.kit.makeApplication().test(.router) { client in
            let tooLong = try await client.charge(10, key: String(repeating: "k", count: 256))
            #expect(tooLong.status == .badRequest)
            #expect(String(buffer: tooLong.body).contains("Idempotency-Key"))
            let blank = try await client.charge(10, key: "  ")
            #expect(blank.status == .badRequest)
            let malformed = try await client.execute(
                uri: "/charges",
                method: .post,
                headers: [.contentType: "application/json", .idempotencyKey: "json"],
                body: ByteBuffer(string: #"{"amount":"#)
            )
            #expect(malformed.status == .badRequest)
        }
        #expect(try await service.chargeCount() == 0)
        await service.store.shutdown()
    }
}

@Suite struct FingerprintTests {
    @Test(arguments: Engine.allCases)
    func storedFingerprintsAreKeyedAndSurviveARestart(engine: Engine) async throws {
        let service = try await ChargeService(engine: engine)
        try await service.kit.makeApplication().test(.router) { client in
            let first = try await client.charge(10, key: "keyed")
            #expect(first.status == .created)
        }
        let row = try #require(try await service.store.sql.raw("SELECT fingerprint FROM flotilla_idempotency_keys").first())
        let stored = try row.decode(column: "fingerprint", as: String.self)
        let plain = SHA256.hash(data: Data(#"POST /charges\#n{"amount":10}"#.utf8)).map { String(format: "%02x", $0) }.joined()
        #expect(stored.count == 64)
        #expect(stored != plain, "the fingerprint must be keyed, not a bare hash of the body")

        // A second executor on the same store (a restart, another replica) reads the same key and replays.
        let again = try await ChargeService(reusing: service.store, configuration: service.kit.configuration)
        try await again.kit.makeApplication().test(.router) { client in
            let repeated = try await client.charge(10, key: "keyed")
            #expect(repeated.status == .created)
            #expect(repeated.headers[.idempotentReplayed] == "true")
        }
        #expect(try await service.chargeCount() == 1)
        await service.store.shutdown()
    }
}
