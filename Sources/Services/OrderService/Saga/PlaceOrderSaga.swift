import FlotillaHTTPClient
import FlotillaSaga
import Foundation
import NIOCore

/// The place-order saga: reserve stock → charge the card → schedule the shipment → commit the stock.
/// On a refusal (out of stock, card declined, destination refused) or at the deadline, the completed
/// steps are undone in reverse: cancel the shipment, refund the payment, release the stock.
///
/// Every call carries the step's idempotency key, and every compensation works by order id, so a
/// compensation is safe even when its action's outcome was never learnt (a crash mid-call).
struct PlaceOrderSaga {
    let downstreams: Downstreams
    let cards: CardSealer

    static let name = "place-order"

    func definition(deadline: Duration, retry: SagaRetryPolicy) -> SagaDefinition<PlaceOrderData> {
        SagaDefinition(
            name: Self.name,
            steps: [reserveStock, chargeCard, scheduleShipment, commitStock],
            deadline: deadline,
            retry: retry
        )
    }

    var reserveStock: SagaStep<PlaceOrderData> {
        SagaStep(
            "reserve-stock",
            action: { data, context in
                struct Reservation: Encodable {
                    var reservationId: String
                    var items: [OrderLine]
                }
                let response = try await downstreams.send(
                    .POST,
                    "/reservations",
                    to: Downstreams.inventory,
                    json: Reservation(reservationId: data.orderID, items: data.lines),
                    idempotencyKey: context.idempotencyKey
                )
                if case .refused(let reason) = try DownstreamOutcome.classify(response, downstream: Downstreams.inventory) {
                    throw SagaRefusal("out of stock: \(reason)")
                }
            },
            compensation: { data, context in
                let response = try await downstreams.send(
                    .POST,
                    "/reservations/\(data.orderID)/release",
                    to: Downstreams.inventory,
                    json: EmptyBody(),
                    idempotencyKey: context.idempotencyKey
                )
                try Self.requireUndone(response, downstream: Downstreams.inventory, harmless: [404, 409])
            }
        )
    }

    var chargeCard: SagaStep<PlaceOrderData> {
        SagaStep(
            "charge-card",
            action: { data, context in
                guard let sealed = data.sealedCard else { throw SagaRefusal("the card details are no longer available") }
                let card = try cards.open(sealed)
                struct Charge: Encodable {
                    var orderId: String
                    var amount: Int
                    var currency: String
                    var card: CardDetails
                }
                let response = try await downstreams.send(
                    .POST,
                    "/payments",
                    to: Downstreams.payment,
                    json: Charge(orderId: data.orderID, amount: data.total.amount, currency: data.total.currency, card: card),
                    idempotencyKey: context.idempotencyKey
                )
                switch try DownstreamOutcome.classify(response, downstream: Downstreams.payment) {
                case .done(let body):
                    struct Payment: Decodable { var id: String }
                    data.paymentID = try? JSONDecoder().decode(Payment.self, from: body).id
                    data.sealedCard = nil
                case .refused(let reason):
                    data.sealedCard = nil
                    throw SagaRefusal("payment refused: \(reason)")
                }
            },
            compensation: { data, context in
                struct Refund: Encodable { var orderId: String }
                let response = try await downstreams.send(
                    .POST,
                    "/payments/refunds",
                    to: Downstreams.payment,
                    json: Refund(orderId: data.orderID),
                    idempotencyKey: context.idempotencyKey
                )
                try Self.requireUndone(response, downstream: Downstreams.payment, harmless: [404])
            }
        )
    }

    var scheduleShipment: SagaStep<PlaceOrderData> {
        SagaStep(
            "schedule-shipment",
            action: { data, context in
                struct Shipment: Encodable {
                    var orderId: String
                    var address: ShippingAddress
                    var items: [OrderLine]
                }
                let response = try await downstreams.send(
                    .POST,
                    "/shipments",
                    to: Downstreams.shipping,
                    json: Shipment(orderId: data.orderID, address: data.address, items: data.lines),
                    idempotencyKey: context.idempotencyKey
                )
                switch try DownstreamOutcome.classify(response, downstream: Downstreams.shipping) {
                case .done(let body):
                    struct Scheduled: Decodable {
                        var id: String
                        var trackingId: String?
                    }
                    let scheduled = try? JSONDecoder().decode(Scheduled.self, from: body)
                    data.shipmentID = scheduled?.id
                    data.trackingID = scheduled?.trackingId
                case .refused(let reason):
                    throw SagaRefusal("shipping refused: \(reason)")
                }
            },
            compensation: { data, context in
                struct Cancellation: Encodable { var orderId: String }
                let response = try await downstreams.send(
                    .POST,
                    "/shipments/cancellations",
                    to: Downstreams.shipping,
                    json: Cancellation(orderId: data.orderID),
                    idempotencyKey: context.idempotencyKey
                )
                try Self.requireUndone(response, downstream: Downstreams.shipping, harmless: [404])
            }
        )
    }

    var commitStock: SagaStep<PlaceOrderData> {
        SagaStep(
            "commit-stock",
            action: { data, context in
                let response = try await downstreams.send(
                    .POST,
                    "/reservations/\(data.orderID)/commit",
                    to: Downstreams.inventory,
                    json: EmptyBody(),
                    idempotencyKey: context.idempotencyKey
                )
                if case .refused(let reason) = try DownstreamOutcome.classify(response, downstream: Downstreams.inventory) {
                    throw SagaRefusal("the stock reservation could not be committed: \(reason)")
                }
            }
        )
    }

    /// A compensation is done on 2xx or on a status that means "nothing to undo"; anything else is retried.
    static func requireUndone(_ response: ResilientHTTPResponse, downstream: String, harmless: Set<Int>) throws {
        let code = Int(response.status.code)
        guard (200..<300).contains(code) || harmless.contains(code) else {
            throw TransientDownstreamError(downstream: downstream, status: code, body: response.bodyString)
        }
    }
}
