import FlotillaHTTP
import Foundation
import HummingbirdTesting
import Testing

@testable import InventoryService

@Suite struct IdempotencyTests {
    @Test(arguments: Engine.allCases)
    func aRepeatedReserveWithTheSameKeyReplaysAndChangesNothing(engine: Engine) async throws {
        let app = try await makeInventoryService(try engine.freshDatabase())
        try await app.kit.makeApplication().test(.router) { client in
            let first = try await client.reserve("order-1", [("A-1", 3)], idempotencyKey: "key-1")
            #expect(first.status == .created)
            let repeated = try await client.reserve("order-1", [("A-1", 3)], idempotencyKey: "key-1")
            #expect(repeated.status == .created)
            #expect(repeated.headers[.idempotentReplayed] == "true")
            #expect(String(buffer: repeated.body) == String(buffer: first.body))
            #expect(try await client.stock("A-1") == 7)
            let reused = try await client.reserve("order-2", [("A-1", 1)], idempotencyKey: "key-1")
            #expect(reused.status == .unprocessableContent)
            #expect(object(reused.body)["field"] as? String == "Idempotency-Key")
            #expect(try await client.stock("A-1") == 7)
            #expect(try await client.send(.get, "/reservations/order-2").status == .notFound)
        }
        await app.store.shutdown()
    }

    /// A refusal is the request's result too: replayed under its key even after stock came back.
    @Test(arguments: Engine.allCases)
    func aRefusalIsReplayedUnderItsKey(engine: Engine) async throws {
        let app = try await makeInventoryService(try engine.freshDatabase())
        try await app.kit.makeApplication().test(.router) { client in
            #expect(try await client.reserve("big", [("B-2", 5)]).status == .created)
            let refused = try await client.reserve("small", [("B-2", 1)], idempotencyKey: "key-2")
            #expect(refused.status == .conflict)
            #expect(try await client.send(.post, "/reservations/big/release").status == .ok)
            let repeated = try await client.reserve("small", [("B-2", 1)], idempotencyKey: "key-2")
            #expect(repeated.status == .conflict)
            #expect(repeated.headers[.idempotentReplayed] == "true")
            #expect(try await client.stock("B-2") == 5)
        }
        await app.store.shutdown()
    }

    @Test(arguments: Engine.allCases)
    func releaseAndCommitReplayUnderTheirKeys(engine: Engine) async throws {
        let app = try await makeInventoryService(try engine.freshDatabase())
        try await app.kit.makeApplication().test(.router) { client in
            #expect(try await client.reserve("r1", [("A-1", 2)]).status == .created)
            #expect(try await client.reserve("r2", [("A-1", 2)]).status == .created)
            let commit = try await client.send(.post, "/reservations/r1/commit", idempotencyKey: "saga-1:commit")
            #expect(commit.status == .ok)
            let commitAgain = try await client.send(.post, "/reservations/r1/commit", idempotencyKey: "saga-1:commit")
            #expect(commitAgain.headers[.idempotentReplayed] == "true")
            #expect(String(buffer: commitAgain.body) == String(buffer: commit.body))

            let release = try await client.send(.post, "/reservations/r2/release", idempotencyKey: "saga-2:release")
            #expect(release.status == .ok)
            let releaseAgain = try await client.send(.post, "/reservations/r2/release", idempotencyKey: "saga-2:release")
            #expect(releaseAgain.headers[.idempotentReplayed] == "true")
            #expect(try await client.stock("A-1") == 8)
            // The same key on another reservation's path is a different request.
            let reused = try await client.send(.post, "/reservations/r1/release", idempotencyKey: "saga-2:release")
            #expect(reused.status == .unprocessableContent)
            #expect(try await client.stock("A-1") == 8)

            let summary = try await client.summary()
            #expect(summary.conserved)
            #expect(summary.line("A-1")?.committed == 2)
        }
        await app.store.shutdown()
    }

    @Test func anEmptyOrOverlongKeyIs400() async throws {
        let app = try await makeInventoryService(try Engine.sqlite.freshDatabase())
        try await app.kit.makeApplication().test(.router) { client in
            for key in ["", String(repeating: "k", count: 256)] {
                let response = try await client.reserve("r1", [("A-1", 1)], idempotencyKey: key)
                #expect(response.status == .badRequest)
                #expect(response.headers[.contentType] == "application/problem+json")
            }
            #expect(try await client.stock("A-1") == 10)
        }
        await app.store.shutdown()
    }
}
