import FlotillaCore
import FlotillaHTTP
import Hummingbird

/// The HTTP answer to each reservation outcome.
///
/// Refusals are returned, not thrown: they are the request's result, recorded and replayed under its
/// `Idempotency-Key` like a success. None of them changed any stock.
enum ReservationResponses {
    private struct ShortStock: Encodable, Sendable {
        var shortSkus: [String]
        var shortages: [Shortage]
    }

    private struct UnknownSkus: Encodable, Sendable {
        var unknownSkus: [String]
    }

    static func reserve(_ outcome: ReserveOutcome, request: Request, context: ServiceRequestContext) throws -> Response {
        switch outcome {
        case .reserved(let reservation):
            var response = try JSONResponse.make(reservation, status: .created, cacheable: false)
            response.headers[.location] = "/reservations/\(reservation.id)"
            return response
        case .existing(let reservation):
            return try JSONResponse.make(reservation, status: .ok, cacheable: false)
        case .unknownSkus(let skus):
            let problem = ProblemDetails.inventory(
                "unknown-sku",
                title: "Unknown Product",
                status: 422,
                detail: "No product has sku \(skus.joined(separator: ", ")); nothing was reserved.",
                field: "items"
            )
            return try ExtendedProblem(problem: problem, extensions: UnknownSkus(unknownSkus: skus)).response(for: request, context: context)
        case .outOfStock(let shortages):
            let list = shortages.map { "\($0.sku) (requested \($0.requested), available \($0.available))" }.joined(separator: ", ")
            let problem = ProblemDetails.inventory(
                "out-of-stock",
                title: "Out of Stock",
                status: 409,
                detail: "Not enough stock for \(list); nothing was reserved.",
                field: "items"
            )
            return try ExtendedProblem(problem: problem, extensions: ShortStock(shortSkus: shortages.map(\.sku), shortages: shortages))
                .response(for: request, context: context)
        case .closed(let reservation):
            let how = reservation.status == .expired ? "expired" : "was already released"
            return ProblemDetails.inventory(
                "reservation-closed",
                title: "Reservation Closed",
                status: 409,
                detail: "Reservation \(reservation.id) \(how); reserve under a new id.",
                field: "reservationId"
            )
            .response(for: request, context: context)
        case .mismatch(let reservation):
            return ProblemDetails.inventory(
                "reservation-conflict",
                title: "Reservation Conflict",
                status: 409,
                detail: "Reservation \(reservation.id) exists with other items; use a new id.",
                field: "reservationId"
            )
            .response(for: request, context: context)
        }
    }

    static func release(_ outcome: ReleaseOutcome, request: Request, context: ServiceRequestContext) throws -> Response {
        switch outcome {
        case .released(let reservation), .alreadyClosed(let reservation), .nothingReserved(let reservation):
            return try JSONResponse.make(reservation, status: .ok, cacheable: false)
        case .committed(let reservation):
            return ProblemDetails.inventory(
                "reservation-committed",
                title: "Reservation Committed",
                status: 409,
                detail: "Reservation \(reservation.id) is committed; its stock cannot be released."
            )
            .response(for: request, context: context)
        }
    }

    static func commit(_ outcome: CommitOutcome, id: String, request: Request, context: ServiceRequestContext) throws -> Response {
        switch outcome {
        case .committed(let reservation), .alreadyCommitted(let reservation):
            return try JSONResponse.make(reservation, status: .ok, cacheable: false)
        case .closed(let reservation):
            let how = reservation.status == .expired ? "has expired" : "was released"
            return ProblemDetails.inventory(
                "reservation-closed",
                title: "Reservation Closed",
                status: 409,
                detail: "Reservation \(reservation.id) \(how); there is nothing to commit."
            )
            .response(for: request, context: context)
        case .notFound:
            throw ProblemDetails.notFound("No reservation has id \(id).")
        }
    }
}
