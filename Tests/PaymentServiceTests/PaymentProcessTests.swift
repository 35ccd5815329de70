import FlotillaTesting
import Foundation
import Testing

/// `flotilla serve payment-service` as a real process: it serves, counts `payments_total{status}`, and
/// its logs (at trace level) never hold a full card number.
@Suite struct PaymentProcessTests {
    @Test func theServiceCountsPaymentsAndLogsNoCardNumber() async throws {
        let port = try FreePort.next()
        let dataDirectory = try Command.temporaryDirectory(prefix: "payment-process")
        let service = try ServiceProcess.start(
            ["serve", "payment-service", "--port", String(port), "--data-dir", dataDirectory.path],
            port: port,
            environment: ["LOG_LEVEL": "trace", "LOG_FORMAT": "json"]
        )
        defer { service.stop() }
        try await service.waitUntilReady()
        let base = "http://127.0.0.1:\(port)"
        let json = ["Content-Type": "application/json"]

        // Every card twice under the same key: replays are not counted again; the 500 and the 400 were not recorded, so they run again.
        for round in 0..<2 {
            var statuses: [Int] = []
            for (index, number) in (CardDataTests.numbers + ["4242424242424241"]).enumerated() {
                let reply = try await HTTP.send(
                    "POST",
                    base + "/payments",
                    headers: json.merging(["Idempotency-Key": "charge-\(index)"]) { $1 },
                    body: Data(charge("order-p", card: number).utf8)
                )
                statuses.append(reply.status)
            }
            #expect(statuses == [201, 402, 402, 500, 201, 400], "round \(round)")
        }
        let refund = try await HTTP.send("POST", base + "/payments/refunds", headers: json, body: Data(#"{"orderId":"order-p"}"#.utf8))
        #expect(refund.status == 200)
        let listed = try await HTTP.send("GET", base + "/payments?orderId=order-p")
        #expect((listed.json?["items"] as? [Any])?.count == 4)

        let metrics = try await HTTP.send("GET", base + "/metrics").text
        for (status, count) in [("captured", 2), ("declined", 2), ("refunded", 2), ("failed", 2)] {
            #expect(metrics.contains("payments_total{status=\"\(status)\"} \(count)"), "payments_total \(status) \(count) in:\n\(metrics)")
        }

        service.signal(SIGTERM)
        #expect(try await service.waitForExit() == 0)
        let logs = service.output
        #expect(logs.contains("/payments"), "the request lines must be in the log")
        for number in CardDataTests.numbers + ["4242424242424241"] {
            #expect(!logs.contains(number), "\(number) is logged")
            #expect(!logs.contains(String(number.prefix(12))), "more than the last four digits of \(number) are logged")
        }
    }

    @Test func servedAtItsDefaultsItIsCalledPaymentService() async throws {
        let port = try FreePort.next()
        let service = try ServiceProcess.start(
            ["serve", "payment-service", "--port", String(port), "--data-dir", try Command.temporaryDirectory(prefix: "payment-ready").path],
            port: port
        )
        defer { service.stop() }
        try await service.waitUntilReady()
        let live = try await HTTP.send("GET", "http://127.0.0.1:\(port)/health/live")
        #expect(live.json?["service"] as? String == "payment-service")
        let document = try await HTTP.send("GET", "http://127.0.0.1:\(port)/openapi.yaml")
        #expect(document.text.contains("title: payment-service"))
    }
}
