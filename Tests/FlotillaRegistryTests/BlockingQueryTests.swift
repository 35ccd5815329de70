import FlotillaRegistry
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@Suite struct BlockingQueryTests {
    static let indexHeader = HTTPField.Name("X-Consul-Index")!

    @Test func healthQueryWakesAtOnceOnAChange() async throws {
        try await withRegistry { _, client in
            try await register(client, #"{"Name": "web", "ID": "web-1", "Check": {"CheckID": "c", "TTL": "30s"}}"#)
            let index = try await client.execute(uri: "/v1/health/service/web?passing", method: .get) { response in
                #expect(jsonArray(response.body).isEmpty)
                return response.headers[Self.indexHeader] ?? ""
            }
            let start = ContinuousClock.now
            async let woken: (String, Int) = client.execute(uri: "/v1/health/service/web?passing&index=\(index)&wait=30s", method: .get) { response in
                (response.headers[Self.indexHeader] ?? "", jsonArray(response.body).count)
            }
            try await Task.sleep(for: .milliseconds(100))
            try await client.execute(uri: "/v1/agent/check/pass/c", method: .put) { #expect($0.status == .ok) }
            let (newIndex, count) = try await woken
            #expect(ContinuousClock.now - start < .seconds(5))
            #expect(UInt64(newIndex)! > UInt64(index)!)
            #expect(count == 1)
        }
    }

    @Test func kvQueryWakesOnAPutAndTimesOutWithTheSameIndex() async throws {
        try await withRegistry { _, client in
            let index = try await client.execute(uri: "/v1/kv/flag", method: .get) { response in
                #expect(response.status == .notFound)
                return response.headers[Self.indexHeader] ?? ""
            }
            let start = ContinuousClock.now
            try await client.execute(uri: "/v1/kv/flag?index=\(index)&wait=200ms", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(response.headers[Self.indexHeader] == index)
            }
            #expect(ContinuousClock.now - start >= .milliseconds(190))
            async let woken: String = client.execute(uri: "/v1/kv/flag?index=\(index)", method: .get) { text($0.body) }
            try await Task.sleep(for: .milliseconds(100))
            try await client.execute(uri: "/v1/kv/flag", method: .put, body: body("on")) { _ in }
            #expect(try await woken.contains("\"Key\":\"flag\""))
        }
    }

    @Test func aChangeToAnotherServiceDoesNotWakeTheQuery() async throws {
        try await withRegistry { _, client in
            try await register(client, #"{"Name": "web"}"#)
            let index = try await client.execute(uri: "/v1/catalog/service/web", method: .get) { $0.headers[Self.indexHeader] ?? "" }
            async let answer: String = client.execute(uri: "/v1/catalog/service/web?index=\(index)&wait=400ms", method: .get) {
                $0.headers[Self.indexHeader] ?? ""
            }
            try await Task.sleep(for: .milliseconds(50))
            try await register(client, #"{"Name": "db"}"#)
            #expect(try await answer == index)
        }
    }

    @Test func notifierWakesEveryWaiterAndForgetsCancelledOnes() async throws {
        let notifier = ChangeNotifier()
        let generation = notifier.generation(of: .kv)
        let waiter = Task { await notifier.wait(for: .kv, after: generation, timeout: .seconds(30)) }
        let cancelled = Task { await notifier.wait(for: .kv, after: generation, timeout: .seconds(30)) }
        while notifier.waiterCount < 2 { try await Task.sleep(for: .milliseconds(5)) }
        cancelled.cancel()
        await cancelled.value
        #expect(notifier.waiterCount == 1)
        notifier.publish([.kv])
        await waiter.value
        #expect(notifier.waiterCount == 0)
        // A wait that starts after the change it would miss returns at once.
        await notifier.wait(for: .kv, after: generation, timeout: .seconds(30))
    }
}

@Suite struct NotifierCloseTests {
    @Test func closeAnswersHeldAndLaterWaitsAtOnce() async throws {
        let notifier = ChangeNotifier()
        let generation = notifier.generation(of: .catalog)
        let held = Task { await notifier.wait(for: .catalog, after: generation, timeout: .seconds(60)) }
        while notifier.waiterCount < 1 { try await Task.sleep(for: .milliseconds(5)) }
        let start = ContinuousClock.now
        notifier.close()
        await held.value
        await notifier.wait(for: .catalog, after: generation, timeout: .seconds(60))
        #expect(ContinuousClock.now - start < .seconds(5))
        #expect(notifier.waiterCount == 0)
    }
}
