import Foundation

/// A `products` row.
struct StoredProduct: Codable, Sendable {
    var sku: String
    var name: String
    var description: String
    var price_amount: Int
    var price_currency: String
    var initial_stock: Int
    var stock: Int

    init(_ product: Product) {
        sku = product.sku
        name = product.name
        description = product.description
        price_amount = product.price.amount
        price_currency = product.price.currency
        initial_stock = product.stock
        stock = product.stock
    }

    var product: Product {
        Product(sku: sku, name: name, description: description, price: Money(amount: price_amount, currency: price_currency), stock: stock)
    }
}

/// A `reservations` row.
struct StoredReservation: Codable, Sendable {
    var id: String
    var status: String
    var created_at_ms: Int
    var expires_at_ms: Int?
    var updated_at_ms: Int

    var reservationStatus: ReservationStatus { ReservationStatus(rawValue: status) ?? .released }

    /// Whether an uncommitted reservation has outlived its TTL at `nowMilliseconds`.
    func isDue(at nowMilliseconds: Int) -> Bool {
        reservationStatus == .reserved && (expires_at_ms ?? .max) <= nowMilliseconds
    }

    func reservation(items: [ReservationItem]) -> Reservation {
        Reservation(
            id: id,
            status: reservationStatus,
            items: items,
            expiresAt: expires_at_ms.map { Reservation.timestamp(Date(timeIntervalSince1970: Double($0) / 1000)) }
        )
    }
}

/// A `reservation_items` row.
struct StoredReservationItem: Codable, Sendable {
    var reservation_id: String
    var sku: String
    var quantity: Int
}

extension Date {
    /// Milliseconds since 1970, as the reservation tables keep instants.
    var millisecondsSince1970: Int { Int((timeIntervalSince1970 * 1000).rounded(.down)) }
}
