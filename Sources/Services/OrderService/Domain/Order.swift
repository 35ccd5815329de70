import Foundation

/// Where an order stands.
enum OrderStatus: String, Codable, Sendable {
    case pending, confirmed, cancelled
}

/// An order as stored.
struct StoredOrder: Codable, Sendable {
    var id: String
    var user_id: String
    var status: String
    var reason: String?
    var items: String
    var total_amount: Int
    var currency: String
    var card_last4: String
    var shipping_address: String
    var created_at: String
    var updated_at: String
}

/// An order as the API shows it.
struct OrderView: Codable, Sendable {
    struct Step: Codable, Sendable {
        var name: String
        var status: String
        var attempts: Int
        var startedAt: String?
        var endedAt: String?
        var error: String?
    }

    var id: String
    var userId: String
    var status: String
    var reason: String?
    var items: [OrderLine]
    var total: Money
    var cardLast4: String
    var shippingAddress: ShippingAddress
    var steps: [Step]
    var createdAt: String
    var updatedAt: String
    var paymentId: String?
    var trackingId: String?
}
