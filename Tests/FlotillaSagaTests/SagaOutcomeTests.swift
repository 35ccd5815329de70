import FlotillaSaga
import Foundation
import Logging
import Testing

@Suite struct SagaOutcomeTests {
    @Test(arguments: SagaEngine.allCases)
    func aSagaWhoseStepsSucceedCompletes(engine: SagaEngine) async throws {
        let fixture = try await SagaFixture(engine: engine)
        defer { Task { await fixture.shutdown() } }
        let orchestrator = fixture.orchestrator()
        let ended = try await whileRunning(orchestrator) {
            try await orchestrator.start(id: "t1", data: Trip(traveller: "ada"))
            return try await orchestrator.waitForEnd(id: "t1", timeout: .seconds(10))
        }
        let record = try #require(ended)
        #expect(record.status == .completed)
        #expect(record.reason == nil)
        #expect(record.data == Trip(traveller: "ada", done: ["reserve", "charge", "schedule"]))
        #expect(record.steps.map(\.status) == [.succeeded, .succeeded, .succeeded])
        #expect(record.steps.map(\.attempts) == [1, 1, 1])
        #expect(record.steps.allSatisfy { $0.startedAt != nil && $0.endedAt != nil && $0.lastError == nil })
        let calls = await fixture.calls.calls(saga: "t1")
        #expect(
            calls.map(\.description) == [
                "t1 reserve.action#1 t1:reserve:action", "t1 charge.action#1 t1:charge:action", "t1 schedule.action#1 t1:schedule:action",
            ]
        )
        #expect(try fixture.sagaCount(outcome: .completed) == 1)
        #expect(try fixture.sagaCount(outcome: .compensated) == 0)
        for step in SagaFixture.stepNames {
            let timer = try fixture.metrics.expectTimer(
                "flotilla_saga_step_duration_seconds",
                [("saga", "trip"), ("step", step), ("phase", "action")]
            )
            #expect(timer.values.count == 1)
        }
    }

    @Test(arguments: SagaEngine.allCases)
    func aRefusalAtTheSecondStepCompensatesOnlyTheFirst(engine: SagaEngine) async throws {
        let fixture = try await SagaFixture(engine: engine)
        defer { Task { await fixture.shutdown() } }
        let orchestrator = fixture.orchestrator(actions: ["charge": { _, _ in throw SagaRefusal("card declined") }])
        let ended = try await whileRunning(orchestrator) {
            try await orchestrator.start(id: "t2", data: Trip(traveller: "bo"))
            return try await orchestrator.waitForEnd(id: "t2", timeout: .seconds(10))
        }
        let record = try #require(ended)
        #expect(record.status == .compensated)
        #expect(record.reason == "card declined")
        #expect(record.steps.map(\.status) == [.compensated, .failed, .skipped])
        #expect(record.steps.map(\.attempts) == [1, 1, 0])
        #expect(record.steps.map(\.compensationAttempts) == [1, 0, 0])
        #expect(record.step("charge")?.lastError == "card declined")
        let calls = await fixture.calls.calls(saga: "t2").map { "\($0.step).\($0.phase.rawValue)" }
        #expect(calls == ["reserve.action", "charge.action", "reserve.compensation"])
        #expect(try fixture.sagaCount(outcome: .compensated) == 1)
    }

    @Test(arguments: SagaEngine.allCases)
    func aRefusingActionsChangesToTheDataAreSaved(engine: SagaEngine) async throws {
        let fixture = try await SagaFixture(engine: engine)
        defer { Task { await fixture.shutdown() } }
        // The action drops what it no longer needs (order-service drops the sealed card) before refusing.
        let orchestrator = SagaOrchestrator(
            definition: SagaDefinition(
                name: "trip",
                steps: [
                    SagaStep<Trip>("reserve", action: { trip, _ in trip.done.append("reserve") }, compensation: { _, _ in }),
                    SagaStep<Trip>(
                        "charge",
                        action: { trip, _ in
                            trip.traveller = "(dropped)"
                            throw SagaRefusal("card declined")
                        }
                    ),
                ],
                retry: SagaFixture.tinyRetry
            ),
            store: fixture.store,
            logger: SagaFixture.logger
        )
        let ended = try await whileRunning(orchestrator) {
            try await orchestrator.start(id: "t2d", data: Trip(traveller: "card 4242"))
            return try await orchestrator.waitForEnd(id: "t2d", timeout: .seconds(10))
        }
        #expect(ended?.status == .compensated)
        #expect(ended?.data.traveller == "(dropped)")
        #expect(try await orchestrator.record(id: "t2d")?.data.traveller == "(dropped)")
    }

    @Test(arguments: SagaEngine.allCases)
    func aRefusalAtTheThirdStepCompensatesTheOthersInReverse(engine: SagaEngine) async throws {
        let fixture = try await SagaFixture(engine: engine)
        defer { Task { await fixture.shutdown() } }
        let orchestrator = fixture.orchestrator(actions: ["schedule": { _, _ in throw SagaRefusal("no courier") }])
        let ended = try await whileRunning(orchestrator) {
            try await orchestrator.start(id: "t3", data: Trip(traveller: "cy"))
            return try await orchestrator.waitForEnd(id: "t3", timeout: .seconds(10))
        }
        let record = try #require(ended)
        #expect(record.status == .compensated)
        #expect(record.reason == "no courier")
        #expect(record.steps.map(\.status) == [.compensated, .compensated, .failed])
        let calls = await fixture.calls.calls(saga: "t3").map { "\($0.step).\($0.phase.rawValue)" }
        #expect(calls == ["reserve.action", "charge.action", "schedule.action", "charge.compensation", "reserve.compensation"])
        let keys = await fixture.calls.calls(saga: "t3").filter { $0.phase == .compensation }.map(\.key)
        #expect(keys == ["t3:charge:compensation", "t3:reserve:compensation"])
    }

    @Test(arguments: SagaEngine.allCases)
    func transientFailuresAreRetriedWithTheSameKeyUntilTheyPass(engine: SagaEngine) async throws {
        let fixture = try await SagaFixture(engine: engine)
        defer { Task { await fixture.shutdown() } }
        let orchestrator = fixture.orchestrator(actions: ["charge": { _, attempt in if attempt < 3 { throw Flaky() } }])
        let ended = try await whileRunning(orchestrator) {
            try await orchestrator.start(id: "t4", data: Trip(traveller: "di"))
            return try await orchestrator.waitForEnd(id: "t4", timeout: .seconds(10))
        }
        let record = try #require(ended)
        #expect(record.status == .completed)
        #expect(record.steps.map(\.attempts) == [1, 3, 1])
        #expect(record.data.done == ["reserve", "charge", "schedule"])
        let charges = await fixture.calls.calls(saga: "t4").filter { $0.step == "charge" }
        #expect(charges.map(\.attempt) == [1, 2, 3])
        #expect(Set(charges.map(\.key)) == ["t4:charge:action"])
        let timer = try fixture.metrics.expectTimer(
            "flotilla_saga_step_duration_seconds",
            [("saga", "trip"), ("step", "charge"), ("phase", "action")]
        )
        #expect(timer.values.count == 3)
    }

    @Test(arguments: SagaEngine.allCases)
    func aStepStillFailingAtTheDeadlineIsCompensatedWithTheReason(engine: SagaEngine) async throws {
        let fixture = try await SagaFixture(engine: engine)
        defer { Task { await fixture.shutdown() } }
        let orchestrator = fixture.orchestrator(actions: ["charge": { _, _ in throw Flaky() }], deadline: .seconds(4))
        let ended = try await whileRunning(orchestrator) {
            try await orchestrator.start(id: "t5", data: Trip(traveller: "ed"))
            return try await orchestrator.waitForEnd(id: "t5", timeout: .seconds(10))
        }
        let record = try #require(ended)
        #expect(record.status == .compensated)
        #expect(record.reason == "deadline exceeded")
        // The charge's outcome is unknown, so it is compensated too; the schedule never ran.
        #expect(record.steps.map(\.status) == [.compensated, .compensated, .skipped])
        #expect((record.step("charge")?.attempts ?? 0) > 1)
        let compensations = await fixture.calls.calls(saga: "t5").filter { $0.phase == .compensation }.map(\.step)
        #expect(compensations == ["charge", "reserve"])
    }

    @Test(arguments: SagaEngine.allCases)
    func aStepThatHangsPastTheDeadlineIsCutAndCompensated(engine: SagaEngine) async throws {
        let fixture = try await SagaFixture(engine: engine)
        defer { Task { await fixture.shutdown() } }
        let orchestrator = fixture.orchestrator(actions: ["schedule": blockForever], deadline: .seconds(4))
        let ended = try await whileRunning(orchestrator) {
            try await orchestrator.start(id: "t6", data: Trip(traveller: "fe"))
            return try await orchestrator.waitForEnd(id: "t6", timeout: .seconds(10))
        }
        let record = try #require(ended)
        #expect(record.status == .compensated)
        #expect(record.reason == "deadline exceeded")
        #expect(record.steps.map(\.status) == [.compensated, .compensated, .compensated])
        #expect(record.step("schedule")?.attempts == 1)
        #expect(record.step("schedule")?.lastError == "deadline exceeded")
    }

    @Test(arguments: SagaEngine.allCases)
    func aFailingCompensationIsRetriedUntilItSucceeds(engine: SagaEngine) async throws {
        let fixture = try await SagaFixture(engine: engine)
        defer { Task { await fixture.shutdown() } }
        let orchestrator = fixture.orchestrator(
            actions: ["schedule": { _, _ in throw SagaRefusal("address unknown") }],
            compensations: ["charge": { _, attempt in if attempt <= 4 { throw Flaky() } }]
        )
        let ended = try await whileRunning(orchestrator) {
            try await orchestrator.start(id: "t7", data: Trip(traveller: "gu"))
            return try await orchestrator.waitForEnd(id: "t7", timeout: .seconds(10))
        }
        let record = try #require(ended)
        #expect(record.status == .compensated)
        #expect(record.steps.map(\.compensationAttempts) == [1, 5, 0])
        #expect(record.steps.map(\.status) == [.compensated, .compensated, .failed])
        let refunds = await fixture.calls.calls(saga: "t7").filter { $0.step == "charge" && $0.phase == .compensation }
        #expect(refunds.map(\.attempt) == [1, 2, 3, 4, 5])
        #expect(Set(refunds.map(\.key)) == ["t7:charge:compensation"])
        let retries = try fixture.metrics.expectCounter("flotilla_saga_compensation_retries_total", [("saga", "trip"), ("step", "charge")])
        #expect(retries.totalValue == 4)
        let reserveRetries = try fixture.metrics.expectCounter(
            "flotilla_saga_compensation_retries_total",
            [("saga", "trip"), ("step", "reserve")]
        )
        #expect(reserveRetries.totalValue == 0)
    }

    @Test func aDefinitionWithTwoStepsOfOneNameIsRefused() async throws {
        let fixture = try await SagaFixture(engine: .sqlite)
        defer { Task { await fixture.shutdown() } }
        let orchestrator = SagaOrchestrator(
            definition: SagaDefinition(name: "twice", steps: [fixture.step("a"), fixture.step("a")]),
            store: fixture.store,
            logger: .init(label: "saga-test")
        )
        await #expect(throws: SagaDefinitionError.self) { try await orchestrator.run() }
        await #expect(throws: SagaDefinitionError.self) { try await orchestrator.start(id: "x", data: Trip(traveller: "hu")) }
        #expect(try await orchestrator.record(id: "x") == nil)
    }
}
