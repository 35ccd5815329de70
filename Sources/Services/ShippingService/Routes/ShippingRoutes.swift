import FlotillaCore
import FlotillaHTTP
import FlotillaIdempotency
import FlotillaStore
import Foundation
import Hummingbird
import SQLKit

/// The HTTP API of shipping-service. Every state-changing route runs through the idempotency ledger.
struct ShippingRoutes: Sendable {
    let store: Store
    let idempotency: IdempotentExecutor
    let metrics: ShipmentMetrics
    private let shipments = ShipmentRepository()

    init(store: Store, idempotency: IdempotentExecutor, metrics: ShipmentMetrics) {
        self.store = store
        self.idempotency = idempotency
        self.metrics = metrics
    }

    func register(on routes: RouteTable) {
        routes.post("/shipments") { request, context in try await schedule(request, context) }
        routes.get("/shipments") { request, context in try await list(request, context) }
        routes.get("/shipments/{id}") { request, context in try await show(request, context) }
        routes.post("/shipments/{id}/cancel") { request, context in try await cancel(request, context) }
        routes.post("/shipments/cancellations") { request, context in try await cancelOrder(request, context) }
    }

    /// `POST /shipments`: 201 scheduled, 422 for a destination the carrier refuses (returned, so replayed; no shipment).
    private func schedule(_ request: Request, _ context: ServiceRequestContext) async throws -> Response {
        let tally = OutcomeTally()
        let response = try await idempotency.execute(request, context: context, scope: "shipments") { request, database in
            let order = try ShipmentOrder(try await request.decodeJSON(as: ScheduleRequest.self, context: context))
            guard Destinations.isServed(order.address.country) else {
                tally.note(.refused)
                return ShippingProblem.unsupportedDestination(order.address.country)
                    .response(path: request.uri.path, requestId: context.requestID)
            }
            let items = String(decoding: try JSONEncoder().encode(order.items), as: UTF8.self)
            let stored = StoredShipment(
                id: UUID().uuidString.lowercased(),
                order_id: order.orderId,
                status: ShipmentStatus.scheduled.rawValue,
                tracking_id: TrackingID.make(),
                name: order.address.name,
                line1: order.address.line1,
                city: order.address.city,
                postal_code: order.address.postalCode,
                country: order.address.country,
                items: items,
                created_at: Self.timestamp()
            )
            try await shipments.insert(stored, on: database)
            tally.note(.scheduled)
            var response = try JSONResponse.make(stored.shipment, status: .created)
            response.headers[.location] = "/shipments/\(stored.id)"
            return response
        }
        tally.record(into: metrics, unless: response)
        return response
    }

    /// `GET /shipments?orderId=`: the shipments of one order, oldest first.
    private func list(_ request: Request, _ context: ServiceRequestContext) async throws -> Response {
        guard let orderId = request.uri.queryParameters.get("orderId") else {
            throw ProblemDetails.invalidField("orderId", "The orderId query parameter is required.")
        }
        let found = try await shipments.list(orderId: try OrderID.validate(orderId, field: "orderId"), on: store.sql)
        return try JSONResponse.make(ShipmentList(items: found.map(\.shipment)), status: .ok, cacheable: false)
    }

    /// `GET /shipments/{id}`.
    private func show(_ request: Request, _ context: ServiceRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        guard let shipment = try await shipments.find(id: id, on: store.sql) else {
            throw ProblemDetails.notFound("No shipment has id \(id).")
        }
        return try JSONResponse.make(shipment.shipment, status: .ok, cacheable: false)
    }

    /// `POST /shipments/{id}/cancel`: 200 cancelled (again 200 when it already was), 404 unknown.
    private func cancel(_ request: Request, _ context: ServiceRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        let tally = OutcomeTally()
        let response = try await idempotency.execute(request, context: context, scope: "shipment-cancels") { _, database in
            if try await shipments.cancel(id: id, at: Self.timestamp(), on: database) { tally.note(.cancelled) }
            guard let shipment = try await shipments.find(id: id, on: database) else {
                throw ProblemDetails.notFound("No shipment has id \(id).")
            }
            return try JSONResponse.make(shipment.shipment, status: .ok, cacheable: false)
        }
        tally.record(into: metrics, unless: response)
        return response
    }

    /// `POST /shipments/cancellations` {orderId}: cancels every scheduled shipment of the order, for a compensation
    /// that does not know the shipment ids. Answers every cancelled shipment of the order (empty when there is none).
    private func cancelOrder(_ request: Request, _ context: ServiceRequestContext) async throws -> Response {
        let tally = OutcomeTally()
        let response = try await idempotency.execute(request, context: context, scope: "shipment-order-cancels") { request, database in
            let input = try await request.decodeJSON(as: CancelByOrderRequest.self, context: context)
            let orderId = try OrderID.validate(input.orderId, field: "orderId")
            let time = Self.timestamp()
            for shipment in try await shipments.list(orderId: orderId, on: database) where shipment.status == ShipmentStatus.scheduled.rawValue {
                if try await shipments.cancel(id: shipment.id, at: time, on: database) { tally.note(.cancelled) }
            }
            let cancelled = try await shipments.list(orderId: orderId, on: database).filter { $0.status == ShipmentStatus.cancelled.rawValue }
            return try JSONResponse.make(ShipmentList(items: cancelled.map(\.shipment)), status: .ok, cacheable: false)
        }
        tally.record(into: metrics, unless: response)
        return response
    }

    static func timestamp() -> String {
        Timestamp.string(Date())
    }
}
