import FlotillaStore
import Foundation
import Logging
import ServiceLifecycle

/// Gives back the stock of reservations that outlived their TTL uncommitted, every `interval`.
///
/// Each expiry is its own transaction (the status change and the stock return commit together), and the
/// change is conditional on the reservation still being `reserved`, so replicas sweeping at once, or a
/// sweep racing a commit, never return stock twice.
public struct ReservationSweeper: Service {
    let store: Store
    let ledger: ReservationLedger
    let interval: Duration
    let metrics: InventoryMetrics
    let logger: Logger

    /// Sweeps until graceful shutdown.
    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await sweep(now: Date())
                } catch {
                    logger.warning("reservation sweep failed; retrying", metadata: ["error": .string("\(error)")])
                }
                try? await Task.sleep(for: interval)
            }
        }
    }

    /// Expires every due reservation; returns how many it expired.
    @discardableResult
    func sweep(now: Date) async throws -> Int {
        var expired = 0
        while true {
            let due = try await ledger.dueReservations(now: now, limit: 100, in: store.sql)
            for id in due {
                let ledger = self.ledger
                if try await store.transaction({ database in try await ledger.expireIfDue(id: id, now: now, in: database) }) != nil {
                    expired += 1
                    metrics.record("expired")
                }
            }
            if due.count < 100 { return expired }
        }
    }
}
