import FlotillaCore
import FlotillaHTTP
import FlotillaStore
import Foundation
import Hummingbird
import SQLKit
import Synchronization

/// `POST /reservations`, `GET /reservations/{id}`, and `POST /reservations/{id}/release` and `/commit`.
struct ReservationRoutes: Sendable {
    let store: Store
    let ledger: ReservationLedger
    let stateChange: StateChange
    let metrics: InventoryMetrics

    func register(on routes: RouteTable) {
        routes.post("/reservations") { request, context in
            let request = try await Self.collected(request, context)
            return try await recordingOutcome { outcome in
                try await stateChange.run(request, context: context, scope: "reservations") { request, database in
                    let input = try await request.decodeJSON(as: ReservationRequest.self, context: context)
                    let reservation = try NewReservation(input)
                    let result = try await ledger.reserve(reservation, now: Date(), in: database)
                    outcome.set(result.metricOutcome)
                    return try ReservationResponses.reserve(result, request: request, context: context)
                }
            }
        }
        routes.get("/reservations/{id}") { _, context in
            let id = try Self.id(context)
            guard let reservation = try await ledger.find(id: id, in: store.sql) else {
                throw ProblemDetails.notFound("No reservation has id \(id).")
            }
            return try JSONResponse.make(reservation, status: .ok, cacheable: false)
        }
        routes.post("/reservations/{id}/release") { request, context in
            let id = try Self.id(context)
            let request = try await Self.collected(request, context)
            return try await recordingOutcome { outcome in
                try await stateChange.run(request, context: context, scope: "reservations.release") { request, database in
                    let result = try await ledger.release(id: id, now: Date(), in: database)
                    if case .released = result { outcome.set("released") }
                    return try ReservationResponses.release(result, request: request, context: context)
                }
            }
        }
        routes.post("/reservations/{id}/commit") { request, context in
            let id = try Self.id(context)
            let request = try await Self.collected(request, context)
            return try await recordingOutcome { outcome in
                try await stateChange.run(request, context: context, scope: "reservations.commit") { request, database in
                    let result = try await ledger.commit(id: id, now: Date(), in: database)
                    switch result {
                    case .committed: outcome.set("committed")
                    case .closed: outcome.set("closed")
                    case .alreadyCommitted, .notFound: break
                    }
                    return try ReservationResponses.commit(result, id: id, request: request, context: context)
                }
            }
        }
    }

    /// Runs `body`, then counts the outcome it noted, only once its transaction committed (a rollback or a replay counts nothing).
    private func recordingOutcome(_ body: (OutcomeNote) async throws -> Response) async throws -> Response {
        var attempt = 1
        while true {
            let outcome = OutcomeNote()
            do {
                let response = try await body(outcome)
                if let noted = outcome.value { metrics.record(noted) }
                return response
            } catch is ReservationLedger.Race where attempt < 3 {
                // Another request created the same id first; run again to answer from what it stored.
                attempt += 1
            }
        }
    }

    /// The request with its body collected (up to the limit), so a retry after a ``ReservationLedger/Race`` can read it again.
    private static func collected(_ request: Request, _ context: ServiceRequestContext) async throws -> Request {
        var request = request
        do {
            _ = try await request.collectBody(upTo: context.bodyLimit)
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            throw ProblemDetails.contentTooLarge(limit: context.bodyLimit)
        }
        return request
    }

    private static func id(_ context: ServiceRequestContext) throws -> String {
        let id = try context.parameters.require("id")
        guard ReservationID.isValid(id) else {
            throw ProblemDetails.invalidField("id", "The reservation id in the path must be 1 to 128 letters, digits, '.', '_', ':' or '-'.")
        }
        return id
    }
}

/// The metric outcome a request's work noted, read once the work's transaction committed.
final class OutcomeNote: Sendable {
    private let storage = Mutex<String?>(nil)

    func set(_ outcome: String) { storage.withLock { $0 = outcome } }

    var value: String? { storage.withLock { $0 } }
}
