import FlotillaSaga
import Foundation
import SQLKit
import Testing

@Suite struct SagaConcurrencyTests {
    @Test(arguments: SagaEngine.allCases)
    func twoHundredConcurrentSagasAllEnd(engine: SagaEngine) async throws {
        let fixture = try await SagaFixture(engine: engine)
        defer { Task { await fixture.shutdown() } }
        let count = 200
        let orchestrator = fixture.orchestrator(
            actions: [
                "charge": { id, attempt in
                    let number = Int(id.dropFirst()) ?? 0
                    if number % 3 == 0 { throw SagaRefusal("declined") }
                    if number % 5 == 0 && attempt == 1 { throw Flaky() }
                }
            ],
            onEnd: { saga, db in
                try await db.insert(into: "ended_sagas").columns("id", "status").values(SQLBind(saga.id), SQLBind(saga.status.rawValue)).run()
            }
        )
        let ids = (1...count).map { "c\($0)" }
        let records = try await whileRunning(orchestrator) {
            try await withThrowingTaskGroup(of: SagaRecord<Trip>?.self) { group in
                for id in ids {
                    group.addTask {
                        try await orchestrator.start(id: id, data: Trip(traveller: id))
                        return try await orchestrator.waitForEnd(id: id, timeout: .seconds(60))
                    }
                }
                return try await group.reduce(into: [SagaRecord<Trip>?]()) { $0.append($1) }
            }
        }
        let ended = records.compactMap { $0 }
        #expect(ended.count == count)
        let refused = ids.filter { (Int($0.dropFirst()) ?? 0) % 3 == 0 }
        #expect(ended.filter { $0.status == .compensated }.map(\.id).sorted() == refused.sorted())
        #expect(ended.filter { $0.status == .completed }.count == count - refused.count)
        #expect(try fixture.sagaCount(outcome: .completed) == Int64(count - refused.count))
        #expect(try fixture.sagaCount(outcome: .compensated) == Int64(refused.count))
        let rows = try await fixture.store.sql.select().columns("id", "status").from("ended_sagas").all()
        #expect(rows.count == count)
        let calls = await fixture.calls.calls
        for id in ids {
            #expect(calls.filter { $0.saga == id && $0.step == "reserve" && $0.phase == .action }.count == 1)
        }
        let inFlight = try fixture.metrics.expectGauge("flotilla_sagas_in_flight", [("saga", "trip")])
        #expect(try await eventually { inFlight.lastValue == 0 })
        #expect(inFlight.values.contains { $0 > 1 })
    }
}
