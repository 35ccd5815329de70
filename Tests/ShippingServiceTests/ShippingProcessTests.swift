import FlotillaTesting
import Foundation
import Testing

/// `flotilla serve shipping-service` as a real process: it serves and counts `shipments_total{status}`.
@Suite struct ShippingProcessTests {
    @Test func theServiceSchedulesCancelsAndCountsShipments() async throws {
        let port = try FreePort.next()
        let service = try ServiceProcess.start(
            ["serve", "shipping-service", "--port", String(port), "--data-dir", try Command.temporaryDirectory(prefix: "shipping-process").path],
            port: port,
            environment: ["LOG_FORMAT": "json"]
        )
        defer { service.stop() }
        try await service.waitUntilReady()
        let base = "http://127.0.0.1:\(port)"
        let json = ["Content-Type": "application/json"]
        let live = try await HTTP.send("GET", base + "/health/live")
        #expect(live.json?["service"] as? String == "shipping-service")

        // Each request twice under the same key: the replays are not counted again.
        for round in 0..<2 {
            var statuses: [Int] = []
            for country in ["DE", "FR", "XX", "zz"] {
                let reply = try await HTTP.send(
                    "POST",
                    base + "/shipments",
                    headers: json.merging(["Idempotency-Key": "ship-\(country)"]) { $1 },
                    body: Data(shipment("order-p", country: country).utf8)
                )
                statuses.append(reply.status)
            }
            #expect(statuses == [201, 201, 422, 400], "round \(round)")
        }
        let cancel = try await HTTP.send("POST", base + "/shipments/cancellations", headers: json, body: Data(#"{"orderId":"order-p"}"#.utf8))
        #expect((cancel.json?["items"] as? [Any])?.count == 2)

        let metrics = try await HTTP.send("GET", base + "/metrics").text
        for (status, count) in [("scheduled", 2), ("cancelled", 2), ("refused", 1)] {
            #expect(metrics.contains("shipments_total{status=\"\(status)\"} \(count)"), "shipments_total \(status) \(count) in:\n\(metrics)")
        }
        service.signal(SIGTERM)
        #expect(try await service.waitForExit() == 0)
    }
}
