import Foundation
import Testing

@testable import FlotillaSaga

@Suite struct SagaRecordTransitionTests {
    let now = Date(timeIntervalSince1970: 1_000_000)
    let compensable = [true, true, false]

    func fresh() -> SagaRecord<Int> {
        .started(id: "x", definitionName: "d", data: 0, stepNames: ["a", "b", "c"], deadline: .seconds(10), now: now)
    }

    @Test func forwardStepsRunInOrderThenComplete() {
        var record = fresh()
        #expect(record.deadline == now.addingTimeInterval(10))
        for index in 0..<3 {
            #expect(record.nextMove(now: now, compensable: compensable) == .runAction(index))
            record.beginAction(index, now: now)
            #expect(record.nextMove(now: now, compensable: compensable) == .runAction(index))
            record.actionSucceeded(index, data: index + 1, now: now)
        }
        #expect(record.data == 3)
        #expect(record.nextMove(now: now, compensable: compensable) == .complete)
        record.end(.completed, now: now)
        #expect(record.nextMove(now: now, compensable: compensable) == .none)
    }

    @Test func aRefusalCompensatesEarlierStepsInReverseAndSkipsLaterOnes() {
        var record = fresh()
        record.beginAction(0, now: now)
        record.actionSucceeded(0, data: 1, now: now)
        record.beginAction(1, now: now)
        record.actionRefused(1, reason: "no", now: now, compensable: compensable)
        #expect(record.status == .compensating)
        #expect(record.reason == "no")
        #expect(record.steps.map(\.status) == [.succeeded, .failed, .skipped])
        #expect(record.nextMove(now: now, compensable: compensable) == .compensate(0))
        record.beginCompensation(0, now: now)
        record.compensationFailed(0, error: "503", now: now)
        #expect(record.nextMove(now: now, compensable: compensable) == .compensate(0))
        record.beginCompensation(0, now: now)
        record.compensationSucceeded(0, now: now)
        #expect(record.steps[0].compensationAttempts == 2)
        #expect(record.nextMove(now: now, compensable: compensable) == .finishCompensation)
    }

    @Test func theDeadlineCompensatesAStepWhoseOutcomeIsUnknown() {
        var record = fresh()
        record.beginAction(0, now: now)
        record.actionFailed(0, error: "timeout", now: now)
        #expect(record.nextMove(now: now.addingTimeInterval(9), compensable: compensable) == .runAction(0))
        #expect(record.nextMove(now: now.addingTimeInterval(10), compensable: compensable) == .exceedDeadline)
        record.exceedDeadline(now: now, compensable: compensable)
        #expect(record.reason == "deadline exceeded")
        #expect(record.steps.map(\.status) == [.running, .skipped, .skipped])
        #expect(record.nextMove(now: now, compensable: compensable) == .compensate(0))
    }

    @Test func aStepWithoutCompensationIsNeverCompensated() {
        var record = fresh()
        for index in 0..<2 {
            record.beginAction(index, now: now)
            record.actionSucceeded(index, data: index, now: now)
        }
        record.beginAction(2, now: now)
        record.exceedDeadline(now: now, compensable: compensable)
        // Step c's outcome is unknown and it has no compensation: recorded failed, not left running.
        #expect(record.steps.map(\.status) == [.succeeded, .succeeded, .failed])
        #expect(record.nextMove(now: now, compensable: compensable) == .compensate(1))
    }
}
