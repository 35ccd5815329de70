import FlotillaCore
import FlotillaHTTP
import FlotillaIdempotency
import FlotillaStore
import Foundation
import Hummingbird
import SQLKit

/// The HTTP API of payment-service. Every state-changing route runs through the idempotency ledger.
struct PaymentRoutes: Sendable {
    let store: Store
    let idempotency: IdempotentExecutor
    let metrics: PaymentMetrics
    /// The current time (tests move it to check card expiry).
    let now: @Sendable () -> Date
    private let payments = PaymentRepository()

    init(store: Store, idempotency: IdempotentExecutor, metrics: PaymentMetrics, now: @escaping @Sendable () -> Date = Date.init) {
        self.store = store
        self.idempotency = idempotency
        self.metrics = metrics
        self.now = now
    }

    func register(on routes: RouteTable) {
        routes.post("/payments") { request, context in try await charge(request, context) }
        routes.get("/payments") { request, context in try await list(request, context) }
        routes.get("/payments/{id}") { request, context in try await show(request, context) }
        routes.post("/payments/{id}/refund") { request, context in try await refund(request, context) }
        routes.post("/payments/refunds") { request, context in try await refundOrder(request, context) }
    }

    /// `POST /payments`: 201 captured, 402 declined (recorded, returned), 500 processing error (nothing recorded).
    private func charge(_ request: Request, _ context: ServiceRequestContext) async throws -> Response {
        let tally = OutcomeTally()
        let response: Response
        do {
            response = try await idempotency.execute(request, context: context, scope: "payments") { request, database in
                let charge = try Charge(try await request.decodeJSON(as: ChargeRequest.self, context: context), now: now())
                let outcome = CardProcessor.charge(charge.card)
                guard outcome != .processingError else { throw ProcessingFailure() }
                var stored = StoredPayment(
                    id: UUID().uuidString.lowercased(),
                    order_id: charge.orderId,
                    amount: charge.amount.amount,
                    currency: charge.amount.currency,
                    status: PaymentStatus.captured.rawValue,
                    last4: charge.card.last4,
                    created_at: Self.timestamp(now())
                )
                if case .declined(let reason) = outcome {
                    stored.status = PaymentStatus.declined.rawValue
                    stored.reason = reason
                }
                try await payments.insert(stored, on: database)
                if case .declined(let reason) = outcome {
                    tally.note(.declined)
                    return PaymentProblem.declined(reason: reason, paymentId: stored.id)
                        .response(path: request.uri.path, requestId: context.requestID)
                }
                tally.note(.captured)
                var response = try JSONResponse.make(stored.payment, status: .created)
                response.headers[.location] = "/payments/\(stored.id)"
                return response
            }
        } catch is ProcessingFailure {
            metrics.record(.failed)
            context.logger.warning("charge failed in processing (test card)", metadata: ["reason": "processing_error"])
            return PaymentProblem.processingError().response(path: request.uri.path, requestId: context.requestID)
        }
        tally.record(into: metrics, unless: response)
        return response
    }

    /// `GET /payments?orderId=`: the payments of one order, oldest first.
    private func list(_ request: Request, _ context: ServiceRequestContext) async throws -> Response {
        guard let orderId = request.uri.queryParameters.get("orderId") else {
            throw ProblemDetails.invalidField("orderId", "The orderId query parameter is required.")
        }
        let found = try await payments.list(orderId: try OrderID.validate(orderId, field: "orderId"), on: store.sql)
        return try JSONResponse.make(PaymentList(items: found.map(\.payment)), status: .ok, cacheable: false)
    }

    /// `GET /payments/{id}`.
    private func show(_ request: Request, _ context: ServiceRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        guard let payment = try await payments.find(id: id, on: store.sql) else {
            throw ProblemDetails.notFound("No payment has id \(id).")
        }
        return try JSONResponse.make(payment.payment, status: .ok, cacheable: false)
    }

    /// `POST /payments/{id}/refund`: 200 refunded (again 200 when it already was), 409 for a declined one, 404 unknown.
    private func refund(_ request: Request, _ context: ServiceRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        let tally = OutcomeTally()
        let response = try await idempotency.execute(request, context: context, scope: "payment-refunds") { _, database in
            guard let payment = try await payments.find(id: id, on: database) else {
                throw ProblemDetails.notFound("No payment has id \(id).")
            }
            guard payment.status != PaymentStatus.declined.rawValue else {
                throw ProblemDetails.conflict("Payment \(id) was declined; there is nothing to refund.")
            }
            if try await payments.refund(id: id, at: Self.timestamp(now()), on: database) { tally.note(.refunded) }
            guard let refunded = try await payments.find(id: id, on: database) else {
                throw ProblemDetails.notFound("No payment has id \(id).")
            }
            return try JSONResponse.make(refunded.payment, status: .ok, cacheable: false)
        }
        tally.record(into: metrics, unless: response)
        return response
    }

    /// `POST /payments/refunds` {orderId}: refunds every captured payment of the order, for a compensation that
    /// does not know the payment ids. Answers every refunded payment of the order (empty when there is none).
    private func refundOrder(_ request: Request, _ context: ServiceRequestContext) async throws -> Response {
        let tally = OutcomeTally()
        let response = try await idempotency.execute(request, context: context, scope: "payment-order-refunds") { request, database in
            let input = try await request.decodeJSON(as: RefundByOrderRequest.self, context: context)
            let orderId = try OrderID.validate(input.orderId, field: "orderId")
            let time = Self.timestamp(now())
            for payment in try await payments.list(orderId: orderId, on: database) where payment.status == PaymentStatus.captured.rawValue {
                if try await payments.refund(id: payment.id, at: time, on: database) { tally.note(.refunded) }
            }
            let refunded = try await payments.list(orderId: orderId, on: database).filter { $0.status == PaymentStatus.refunded.rawValue }
            return try JSONResponse.make(PaymentList(items: refunded.map(\.payment)), status: .ok, cacheable: false)
        }
        tally.record(into: metrics, unless: response)
        return response
    }

    static func timestamp(_ date: Date) -> String {
        Timestamp.string(date)
    }
}
