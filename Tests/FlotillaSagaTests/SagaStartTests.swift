import FlotillaSaga
import FlotillaStore
import Foundation
import SQLKit
import Testing

@Suite struct SagaStartTests {
    @Test(arguments: SagaEngine.allCases)
    func startingAnExistingIDChangesNothing(engine: SagaEngine) async throws {
        let fixture = try await SagaFixture(engine: engine)
        defer { Task { await fixture.shutdown() } }
        let orchestrator = fixture.orchestrator()
        let commits = Tally()
        let first = try await orchestrator.start(id: "s1", data: Trip(traveller: "first")) { _ in commits.add() }
        let again = try await orchestrator.start(id: "s1", data: Trip(traveller: "second")) { _ in commits.add() }
        #expect(again.data.traveller == "first")
        #expect(again.steps == first.steps)
        #expect(commits.value == 1)
        let ended = try await whileRunning(orchestrator) {
            let inTransaction = try await fixture.store.transaction { db in
                try await orchestrator.start(id: "s1", data: Trip(traveller: "third"), in: db)
            }
            #expect(inTransaction.data.traveller == "first")
            return try await orchestrator.waitForEnd(id: "s1", timeout: .seconds(10))
        }
        #expect(ended?.status == .completed)
        #expect(ended?.data.traveller == "first")
        #expect(await fixture.calls.calls(saga: "s1").count == 3)
    }

    @Test(arguments: SagaEngine.allCases)
    func aSagaExistsExactlyWhenTheCallersTransactionCommits(engine: SagaEngine) async throws {
        let fixture = try await SagaFixture(engine: engine)
        defer { Task { await fixture.shutdown() } }
        let orchestrator = fixture.orchestrator()
        await #expect(throws: Flaky.self) {
            try await orchestrator.start(id: "s2", data: Trip(traveller: "ed")) { _ in throw Flaky() }
        }
        #expect(try await orchestrator.record(id: "s2") == nil)
        await #expect(throws: Flaky.self) {
            try await fixture.store.transaction { db in
                try await orchestrator.start(id: "s3", data: Trip(traveller: "fe"), in: db)
                throw Flaky()
            }
        }
        #expect(try await orchestrator.record(id: "s3") == nil)

        let ended = try await whileRunning(orchestrator) {
            _ = try await fixture.store.transaction { db in
                try await orchestrator.start(id: "s4", data: Trip(traveller: "gu"), in: db)
            }
            return try await orchestrator.waitForEnd(id: "s4", timeout: .seconds(10))
        }
        #expect(ended?.status == .completed)
        #expect(await fixture.calls.calls(saga: "s3").isEmpty)
    }

    @Test(arguments: SagaEngine.allCases)
    func onEndRunsInTheTransactionThatEndsTheSaga(engine: SagaEngine) async throws {
        let fixture = try await SagaFixture(engine: engine)
        defer { Task { await fixture.shutdown() } }
        let allowEnd = Switch()
        let endCalls = Tally()
        let orchestrator = fixture.orchestrator { saga, db in
            try await db.insert(into: "ended_sagas").columns("id", "status").values(SQLBind(saga.id), SQLBind(saga.status.rawValue)).run()
            endCalls.add()
            guard allowEnd.isOn else { throw Flaky() }
        }
        func endedRows() async throws -> [String] {
            try await fixture.store.sql.select().column("status").from("ended_sagas").where("id", .equal, "e1").all()
                .map { try $0.decode(column: "status", as: String.self) }
        }
        let ended = try await whileRunning(orchestrator) {
            try await orchestrator.start(id: "e1", data: Trip(traveller: "hu"))
            #expect(try await eventually { endCalls.value >= 2 })
            // onEnd threw: its row was rolled back with the end of the saga.
            #expect(try await orchestrator.record(id: "e1")?.status == .running)
            #expect(try await endedRows().isEmpty)
            allowEnd.flip()
            return try await orchestrator.waitForEnd(id: "e1", timeout: .seconds(10))
        }
        #expect(ended?.status == .completed)
        #expect(try await endedRows() == ["completed"])
        #expect(try fixture.sagaCount(outcome: .completed) == 1)
    }

    @Test(arguments: SagaEngine.allCases)
    func waitForEndReturnsWhenTheSagaEndsOrAtTheTimeout(engine: SagaEngine) async throws {
        let fixture = try await SagaFixture(engine: engine)
        defer { Task { await fixture.shutdown() } }
        let open = Switch()
        let orchestrator = fixture.orchestrator(actions: [
            "charge": { _, _ in
                while !open.isOn { try await Task.sleep(for: .milliseconds(5)) }
            }
        ])
        #expect(try await orchestrator.waitForEnd(id: "nobody", timeout: .seconds(5)) == nil)
        try await whileRunning(orchestrator) {
            try await orchestrator.start(id: "w1", data: Trip(traveller: "io"))
            #expect(try await eventually { await fixture.calls.count(saga: "w1", step: "charge", phase: .action) == 1 })

            let before = ContinuousClock.now
            let early = try await orchestrator.waitForEnd(id: "w1", timeout: .milliseconds(300))
            #expect(ContinuousClock.now - before >= .milliseconds(300))
            #expect(early?.status == .running)

            async let waited = orchestrator.waitForEnd(id: "w1", timeout: .seconds(60))
            try await Task.sleep(for: .milliseconds(50))
            let opened = ContinuousClock.now
            open.flip()
            let ended = try await waited
            #expect(ended?.status == .completed)
            #expect(ContinuousClock.now - opened < .seconds(10))
            // An ended saga is answered at once.
            let again = ContinuousClock.now
            #expect(try await orchestrator.waitForEnd(id: "w1", timeout: .seconds(60))?.status == .completed)
            #expect(ContinuousClock.now - again < .seconds(10))
        }
    }
}
