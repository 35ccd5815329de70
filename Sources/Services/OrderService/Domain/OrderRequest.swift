import FlotillaCore
import Foundation

/// The body of `POST /orders`, as sent.
struct OrderRequest: Decodable, Sendable {
    struct Item: Decodable, Sendable {
        var sku: String
        var quantity: Int
    }
    struct Card: Decodable, Sendable {
        var number: String
        var expMonth: Int
        var expYear: Int
        var cvc: String
    }

    var items: [Item]
    var card: Card
    var shippingAddress: ShippingAddress
}

/// Where an order ships.
struct ShippingAddress: Codable, Sendable, Equatable {
    var name: String
    var line1: String
    var city: String
    var postalCode: String
    var country: String
}

/// One line of an order.
struct OrderLine: Codable, Sendable, Equatable {
    var sku: String
    var quantity: Int
}

/// Card details after validation; only ``last4`` is ever stored in the clear.
struct CardDetails: Codable, Sendable, Equatable {
    var number: String
    var expMonth: Int
    var expYear: Int
    var cvc: String

    var last4: String { String(number.suffix(4)) }
}

/// A validated order request: lines merged by sku, a well-formed card, a complete address.
struct ValidatedOrder: Sendable {
    var lines: [OrderLine]
    var card: CardDetails
    var address: ShippingAddress

    /// The most lines and units an order may have.
    static let maximumLines = 50
    static let maximumQuantity = 1000

    /// Validates `request`, throwing a 400 problem naming the first bad field.
    init(_ request: OrderRequest, now: Date = Date()) throws {
        guard !request.items.isEmpty else { throw ProblemDetails.invalidField("items", "items must not be empty.") }
        guard request.items.count <= Self.maximumLines else {
            throw ProblemDetails.invalidField("items", "an order may have at most \(Self.maximumLines) items.")
        }
        var quantities: [String: Int] = [:]
        var order: [String] = []
        for (index, item) in request.items.enumerated() {
            let sku = item.sku.trimmingCharacters(in: .whitespaces)
            guard !sku.isEmpty, sku.count <= 64 else {
                throw ProblemDetails.invalidField("items[\(index)].sku", "items[\(index)].sku must be 1 to 64 characters.")
            }
            guard (1...Self.maximumQuantity).contains(item.quantity) else {
                throw ProblemDetails.invalidField(
                    "items[\(index)].quantity",
                    "items[\(index)].quantity must be from 1 to \(Self.maximumQuantity)."
                )
            }
            if quantities[sku] == nil { order.append(sku) }
            quantities[sku, default: 0] += item.quantity
        }
        lines = order.map { OrderLine(sku: $0, quantity: quantities[$0] ?? 0) }
        card = try CardValidation.validate(request.card, now: now)
        address = try Self.validate(request.shippingAddress)
    }

    private static func validate(_ address: ShippingAddress) throws -> ShippingAddress {
        var clean = address
        clean.name = address.name.trimmingCharacters(in: .whitespaces)
        clean.line1 = address.line1.trimmingCharacters(in: .whitespaces)
        clean.city = address.city.trimmingCharacters(in: .whitespaces)
        clean.postalCode = address.postalCode.trimmingCharacters(in: .whitespaces)
        clean.country = address.country.trimmingCharacters(in: .whitespaces).uppercased()
        for (field, value) in [("name", clean.name), ("line1", clean.line1), ("city", clean.city), ("postalCode", clean.postalCode)] {
            guard !value.isEmpty, value.count <= 200 else {
                throw ProblemDetails.invalidField("shippingAddress.\(field)", "shippingAddress.\(field) must be 1 to 200 characters.")
            }
        }
        guard clean.country.count == 2, clean.country.allSatisfy({ $0.isASCII && $0.isLetter }) else {
            throw ProblemDetails.invalidField("shippingAddress.country", "shippingAddress.country must be an ISO 3166 alpha-2 code such as DE.")
        }
        return clean
    }
}
