import FlotillaSaga
import Foundation
import Logging
import ServiceLifecycle
import Testing

@Suite struct SagaRecoveryTests {
    /// Blocks on the first attempt only: the "crash" happens while it blocks.
    static let blockOnFirstAttempt: Behaviour = { _, attempt in
        if attempt == 1 { try await Task.sleep(for: .seconds(3600)) }
    }

    @Test(arguments: SagaEngine.allCases)
    func aSagaStoppedMidStepResumesInANewOrchestrator(engine: SagaEngine) async throws {
        let fixture = try await SagaFixture(engine: engine)
        defer { Task { await fixture.shutdown() } }
        let first = fixture.orchestrator(actions: ["charge": Self.blockOnFirstAttempt])
        let running = Task { try await first.run() }
        try await first.start(id: "r1", data: Trip(traveller: "ada"))
        #expect(try await eventually { await fixture.calls.count(saga: "r1", step: "charge", phase: .action) == 1 })
        running.cancel()
        _ = await running.result

        let stopped = try #require(try await first.record(id: "r1"))
        #expect(stopped.status == .running)
        #expect(stopped.steps.map(\.status) == [.succeeded, .running, .pending])
        #expect(stopped.steps.map(\.attempts) == [1, 1, 0])

        let second = fixture.orchestrator(actions: ["charge": Self.blockOnFirstAttempt])
        let ended = try await whileRunning(second) { try await second.waitForEnd(id: "r1", timeout: .seconds(10)) }
        let record = try #require(ended)
        #expect(record.status == .completed)
        #expect(record.steps.map(\.attempts) == [1, 2, 1])
        #expect(record.data.done == ["reserve", "charge", "schedule"])
        let calls = await fixture.calls.calls(saga: "r1")
        #expect(calls.filter { $0.step == "reserve" }.count == 1)
        #expect(calls.filter { $0.step == "schedule" }.count == 1)
        let charges = calls.filter { $0.step == "charge" }
        #expect(charges.map(\.attempt) == [1, 2])
        #expect(Set(charges.map(\.key)) == ["r1:charge:action"])
    }

    @Test(arguments: SagaEngine.allCases)
    func aSagaStoppedMidCompensationResumesItsCompensation(engine: SagaEngine) async throws {
        let fixture = try await SagaFixture(engine: engine)
        defer { Task { await fixture.shutdown() } }
        let refuse: Behaviour = { _, _ in throw SagaRefusal("no courier") }
        let first = fixture.orchestrator(actions: ["schedule": refuse], compensations: ["charge": Self.blockOnFirstAttempt])
        let running = Task { try await first.run() }
        try await first.start(id: "r2", data: Trip(traveller: "bo"))
        #expect(try await eventually { await fixture.calls.count(saga: "r2", step: "charge", phase: .compensation) == 1 })
        running.cancel()
        _ = await running.result
        let stopped = try #require(try await first.record(id: "r2"))
        #expect(stopped.status == .compensating)
        #expect(stopped.steps.map(\.status) == [.succeeded, .compensating, .failed])

        let second = fixture.orchestrator(actions: ["schedule": refuse], compensations: ["charge": Self.blockOnFirstAttempt])
        let ended = try await whileRunning(second) { try await second.waitForEnd(id: "r2", timeout: .seconds(10)) }
        let record = try #require(ended)
        #expect(record.status == .compensated)
        #expect(record.reason == "no courier")
        #expect(record.steps.map(\.compensationAttempts) == [1, 2, 0])
        let calls = await fixture.calls.calls(saga: "r2").map { "\($0.step).\($0.phase.rawValue)#\($0.attempt)" }
        #expect(
            calls == [
                "reserve.action#1", "charge.action#1", "schedule.action#1", "charge.compensation#1", "charge.compensation#2",
                "reserve.compensation#1",
            ]
        )
    }

    @Test(arguments: SagaEngine.allCases)
    func aSagaStartedWhileNoOrchestratorRunsIsRunByTheNextOne(engine: SagaEngine) async throws {
        let fixture = try await SagaFixture(engine: engine)
        defer { Task { await fixture.shutdown() } }
        let idle = fixture.orchestrator()
        try await idle.start(id: "r3", data: Trip(traveller: "cy"))
        let before = ContinuousClock.now
        let waited = try #require(try await idle.waitForEnd(id: "r3", timeout: .milliseconds(200)))
        #expect(ContinuousClock.now - before >= .milliseconds(200))
        #expect(waited.status == .running)
        #expect(waited.steps.map(\.status) == [.pending, .pending, .pending])

        let next = fixture.orchestrator()
        let ended = try await whileRunning(next) { try await next.waitForEnd(id: "r3", timeout: .seconds(10)) }
        #expect(ended?.status == .completed)
        #expect(await fixture.calls.calls(saga: "r3").count == 3)
    }

    @Test(arguments: SagaEngine.allCases)
    func gracefulShutdownStopsSagasBetweenAttemptsAndTheyResume(engine: SagaEngine) async throws {
        let fixture = try await SagaFixture(engine: engine)
        defer { Task { await fixture.shutdown() } }
        let first = fixture.orchestrator(actions: ["charge": { _, _ in throw Flaky() }])
        let group = ServiceGroup(configuration: .init(services: [first], logger: Logger(label: "saga-test")))
        let running = Task { try await group.run() }
        try await first.start(id: "r4", data: Trip(traveller: "di"))
        #expect(try await eventually { await fixture.calls.count(saga: "r4", step: "charge", phase: .action) >= 2 })
        await group.triggerGracefulShutdown()
        try await running.value
        let attempts = await fixture.calls.count(saga: "r4", step: "charge", phase: .action)
        let stopped = try #require(try await first.record(id: "r4"))
        #expect(stopped.status == .running)
        #expect(stopped.step("charge")?.status == .running)
        #expect(stopped.step("charge")?.attempts == attempts)
        #expect(stopped.step("charge")?.lastError == "flaky downstream")

        let second = fixture.orchestrator()
        let ended = try await whileRunning(second) { try await second.waitForEnd(id: "r4", timeout: .seconds(10)) }
        #expect(ended?.status == .completed)
        #expect(ended?.step("charge")?.attempts == attempts + 1)
    }

    @Test func anOrchestratorRunsOnce() async throws {
        let fixture = try await SagaFixture(engine: .sqlite)
        defer { Task { await fixture.shutdown() } }
        let orchestrator = fixture.orchestrator()
        try await whileRunning(orchestrator) {
            try await orchestrator.start(id: "once", data: Trip(traveller: "jo"))
            // Once a saga has ended, the first run() is certainly under way.
            #expect(try await orchestrator.waitForEnd(id: "once", timeout: .seconds(10))?.status == .completed)
            await #expect(throws: SagaOrchestratorError.self) { try await orchestrator.run() }
        }
    }
}
