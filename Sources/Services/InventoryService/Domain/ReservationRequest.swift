import FlotillaCore

/// The body of `POST /reservations`. Fields are optional here so a missing one is reported by name.
struct ReservationRequest: Decodable {
    struct Item: Decodable {
        var sku: String?
        /// A number rather than an integer, so 1.5 or 1e30 is reported as this field's problem, not as unreadable JSON.
        var quantity: Double?
    }

    var reservationId: String?
    var items: [Item]?
}

/// A reservation request that passed validation: duplicate skus summed, lines ordered by sku.
struct NewReservation: Sendable, Equatable {
    var id: String
    var items: [ReservationItem]

    /// Validates a request; the problem names the first bad field.
    init(_ request: ReservationRequest) throws(ProblemDetails) {
        guard let id = request.reservationId else { throw .invalidField("reservationId", "reservationId is required.") }
        guard ReservationID.isValid(id) else { throw .invalidField("reservationId", ReservationID.rule) }
        guard let items = request.items else { throw .invalidField("items", "items is required.") }
        guard !items.isEmpty else { throw .invalidField("items", "items must list at least one product.") }
        guard items.count <= ReservationLimits.maximumItems else {
            throw .invalidField("items", "items must list at most \(ReservationLimits.maximumItems) lines.")
        }
        var totals: [String: Int] = [:]
        for (index, item) in items.enumerated() {
            guard let sku = item.sku else { throw .invalidField("items[\(index)].sku", "items[\(index)].sku is required.") }
            guard SKU.isValid(sku) else {
                throw .invalidField("items[\(index)].sku", "items[\(index)].sku must be 1 to 64 letters, digits, '.', '_' or '-'.")
            }
            guard let number = item.quantity else {
                throw .invalidField("items[\(index)].quantity", "items[\(index)].quantity is required.")
            }
            guard number.rounded() == number, number >= 1, number <= Double(ReservationLimits.maximumQuantity) else {
                throw .invalidField(
                    "items[\(index)].quantity",
                    "items[\(index)].quantity must be a whole number from 1 to \(ReservationLimits.maximumQuantity)."
                )
            }
            let quantity = Int(number)
            let total = totals[sku, default: 0] + quantity
            guard total <= ReservationLimits.maximumQuantity else {
                throw .invalidField("items[\(index)].quantity", "The quantities of \(sku) add up to more than \(ReservationLimits.maximumQuantity).")
            }
            totals[sku] = total
        }
        self.id = id
        self.items = totals.map { ReservationItem(sku: $0.key, quantity: $0.value) }.sorted { $0.sku < $1.sku }
    }

    init(id: String, items: [ReservationItem]) {
        self.id = id
        self.items = items
    }
}

/// The rules for a reservation id, which also appears in paths: 1 to 128 of letters, digits, `.`, `_`, `:` and `-`.
enum ReservationID {
    static let rule = "reservationId must be 1 to 128 letters, digits, '.', '_', ':' or '-'."

    static func isValid(_ id: String) -> Bool {
        guard (1...ReservationLimits.maximumIDLength).contains(id.utf8.count) else { return false }
        return id.utf8.allSatisfy {
            ($0 >= 48 && $0 <= 58) || ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) || $0 == 46 || $0 == 95 || $0 == 45
        }
    }
}
