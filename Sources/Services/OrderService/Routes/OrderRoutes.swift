import FlotillaCore
import FlotillaHTTP
import FlotillaIdempotency
import FlotillaSaga
import Foundation
import Hummingbird

/// The HTTP API of order-service.
struct OrderRoutes: Sendable {
    let orders: OrderRepository
    let tokens: UserTokens
    let prices: ProductPrices
    let idempotency: IdempotentExecutor
    let sagas: SagaOrchestrator<PlaceOrderData>
    let cards: CardSealer
    let maximumWait: Duration

    func register(on routes: RouteTable) {
        routes.post("/orders") { request, context in try await place(request, context) }
        routes.get("/orders/{id}") { request, context in try await show(request, context) }
        routes.get("/orders") { request, context in try await list(request, context) }
    }

    /// `POST /orders`: validates and prices the order, stores it with its saga in one transaction, and
    /// answers 202 pending, or the final state when the client asks to wait (`Prefer: wait=5`).
    private func place(_ request: Request, _ context: ServiceRequestContext) async throws -> Response {
        let userID = try await tokens.userID(of: request)
        var request = request
        _ = try await request.collectBody(upTo: context.bodyLimit)
        let order = try ValidatedOrder(try await request.decodeJSON(as: OrderRequest.self, context: context))
        let prices = try await prices.prices(of: order.lines.map(\.sku))
        let total = try Self.total(of: order.lines, prices: prices)
        let sealedCard = try cards.seal(order.card)
        let sagas = self.sagas
        let orders = self.orders

        let response = try await idempotency.execute(request, context: context, scope: "orders:\(userID)") { _, database in
            let id = UUID().uuidString.lowercased()
            let now = Timestamps.now()
            let stored = StoredOrder(
                id: id,
                user_id: userID,
                status: OrderStatus.pending.rawValue,
                reason: nil,
                items: String(decoding: try JSONEncoder().encode(order.lines), as: UTF8.self),
                total_amount: total.amount,
                currency: total.currency,
                card_last4: order.card.last4,
                shipping_address: String(decoding: try JSONEncoder().encode(order.address), as: UTF8.self),
                created_at: now,
                updated_at: now
            )
            try await orders.insert(stored, on: database)
            let data = PlaceOrderData(
                orderID: id,
                userID: userID,
                lines: order.lines,
                total: total,
                sealedCard: sealedCard,
                address: order.address
            )
            let record = try await sagas.start(id: id, data: data, in: database)
            var response = try JSONResponse.make(Self.view(stored, saga: record), status: .accepted, cacheable: false)
            response.headers[.location] = "/orders/\(id)"
            return response
        }
        guard let wait = Self.requestedWait(request, maximum: maximumWait), response.status == .accepted,
            let location = response.headers[.location]
        else { return response }
        let id = String(location.dropFirst("/orders/".count))
        let record = try await sagas.waitForEnd(id: id, timeout: wait)
        guard let stored = try await orders.find(id: id) else { return response }
        let ended = record?.status.isEnded ?? false
        var waited = try JSONResponse.make(
            Self.view(stored, saga: record),
            status: ended ? .ok : .accepted,
            cacheable: false
        )
        waited.headers[.location] = location
        waited.headers[.preferenceApplied] = "wait=\(Int(wait.components.seconds))"
        if let replayed = response.headers[.idempotentReplayed] { waited.headers[.idempotentReplayed] = replayed }
        return waited
    }

    private func show(_ request: Request, _ context: ServiceRequestContext) async throws -> Response {
        let userID = try await tokens.userID(of: request)
        let id = try context.parameters.require("id")
        guard let stored = try await orders.find(id: id), stored.user_id == userID else {
            throw ProblemDetails.notFound("No order \(id) belongs to you.")
        }
        return try JSONResponse.make(Self.view(stored, saga: try await sagas.record(id: id)), status: .ok, cacheable: false)
    }

    private func list(_ request: Request, _ context: ServiceRequestContext) async throws -> Response {
        let userID = try await tokens.userID(of: request)
        let limitText = request.uri.queryParameters.get("limit") ?? "20"
        guard let limit = Int(limitText), (1...100).contains(limit) else {
            throw ProblemDetails.invalidField("limit", "limit must be an integer from 1 to 100.")
        }
        var cursor: OrderCursor?
        if let token = request.uri.queryParameters.get("cursor") {
            guard let parsed = OrderCursor(token: token) else {
                throw ProblemDetails.invalidField("cursor", "cursor is not one this service gave out.")
            }
            cursor = parsed
        }
        let page = try await orders.page(userID: userID, limit: limit + 1, after: cursor)
        var items: [OrderView] = []
        for stored in page.prefix(limit) {
            items.append(Self.view(stored, saga: try await sagas.record(id: stored.id)))
        }
        let next = page.count > limit ? page.prefix(limit).last.map { OrderCursor(createdAt: $0.created_at, id: $0.id).token } : nil
        struct Page: Encodable {
            var items: [OrderView]
            var next: String?
        }
        return try JSONResponse.make(Page(items: items, next: next), status: .ok, cacheable: false)
    }

    /// The total of `lines` at `prices`; one currency per order.
    static func total(of lines: [OrderLine], prices: [String: Money]) throws -> Money {
        var amount = 0
        var currency: String?
        for line in lines {
            guard let price = prices[line.sku] else { throw ProblemDetails.invalidField("items", "No price is known for \(line.sku).") }
            if let currency, currency != price.currency {
                throw ProblemDetails.invalidField("items", "All items of an order must be priced in one currency.")
            }
            currency = price.currency
            let (lineTotal, overflow1) = price.amount.multipliedReportingOverflow(by: line.quantity)
            let (sum, overflow2) = amount.addingReportingOverflow(lineTotal)
            guard !overflow1, !overflow2 else { throw ProblemDetails.invalidField("items", "The order total is too large.") }
            amount = sum
        }
        return Money(amount: amount, currency: currency ?? "EUR")
    }

    /// The `wait` preference (RFC 7240) in seconds, capped at `maximum`; nil when absent.
    static func requestedWait(_ request: Request, maximum: Duration) -> Duration? {
        guard let prefer = request.headers[.prefer] else { return nil }
        for preference in prefer.split(separator: ",") {
            let parts = preference.split(separator: "=", maxSplits: 1).map { String($0).trimmingCharacters(in: .whitespaces) }
            if parts.count == 2, parts[0].lowercased() == "wait", let seconds = Int(parts[1]), seconds >= 0 {
                return min(.seconds(seconds), maximum)
            }
        }
        return nil
    }

    /// The API's view of an order and its saga.
    static func view(_ stored: StoredOrder, saga: SagaRecord<PlaceOrderData>?) -> OrderView {
        let lines = (try? JSONDecoder().decode([OrderLine].self, from: Data(stored.items.utf8))) ?? []
        let address =
            (try? JSONDecoder().decode(ShippingAddress.self, from: Data(stored.shipping_address.utf8)))
            ?? ShippingAddress(name: "", line1: "", city: "", postalCode: "", country: "")
        let steps = (saga?.steps ?? []).map { step in
            OrderView.Step(
                name: step.name,
                status: step.status.rawValue,
                attempts: step.attempts,
                startedAt: step.startedAt.map(Timestamps.string),
                endedAt: step.endedAt.map(Timestamps.string),
                error: step.lastError
            )
        }
        return OrderView(
            id: stored.id,
            userId: stored.user_id,
            status: stored.status,
            reason: stored.reason,
            items: lines,
            total: Money(amount: stored.total_amount, currency: stored.currency),
            cardLast4: stored.card_last4,
            shippingAddress: address,
            steps: steps,
            createdAt: stored.created_at,
            updatedAt: stored.updated_at,
            paymentId: saga?.data.paymentID,
            trackingId: saga?.data.trackingID
        )
    }
}
