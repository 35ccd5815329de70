import FlotillaCore
import Foundation

/// The body of `POST /shipments`. A missing or mistyped field is a 400 naming it (by the decoder).
struct ScheduleRequest: Decodable, Sendable {
    struct Address: Codable, Sendable {
        var name: String
        var line1: String
        var city: String
        var postalCode: String
        var country: String
    }

    struct Item: Codable, Sendable {
        var sku: String
        var quantity: Int
    }

    var orderId: String
    var address: Address
    var items: [Item]
}

/// A shipment request that passed validation; fields are trimmed.
struct ShipmentOrder: Sendable {
    var orderId: String
    var address: ScheduleRequest.Address
    var items: [ScheduleRequest.Item]

    /// The at most this many lines a shipment may have.
    static let maximumItems = 100

    /// Validates a request; the problem names the first bad field.
    init(_ request: ScheduleRequest) throws(ProblemDetails) {
        orderId = try OrderID.validate(request.orderId, field: "orderId")
        let address = request.address
        let name = try Self.text(address.name, field: "address.name", maximum: 200)
        let line1 = try Self.text(address.line1, field: "address.line1", maximum: 200)
        let city = try Self.text(address.city, field: "address.city", maximum: 100)
        let postalCode = try Self.text(address.postalCode, field: "address.postalCode", maximum: 16)
        guard postalCode.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == " " || $0 == "-") }) else {
            throw .invalidField("address.postalCode", "address.postalCode may hold only letters, digits, spaces and dashes.")
        }
        let country = address.country
        guard country == Destinations.refusedCountry || CountryCodes.assigned.contains(country) else {
            throw .invalidField("address.country", "address.country must be an ISO 3166-1 alpha-2 code in capitals such as DE.")
        }
        self.address = .init(name: name, line1: line1, city: city, postalCode: postalCode, country: country)
        guard !request.items.isEmpty else { throw .invalidField("items", "items must list at least one item.") }
        guard request.items.count <= Self.maximumItems else {
            throw .invalidField("items", "items may list at most \(Self.maximumItems) lines.")
        }
        for (index, item) in request.items.enumerated() {
            let sku = item.sku.trimmingCharacters(in: .whitespaces)
            guard !sku.isEmpty, sku.count <= 64 else { throw .invalidField("items[\(index)].sku", "items[\(index)].sku must be 1 to 64 characters.") }
            guard (1...10_000).contains(item.quantity) else {
                throw .invalidField("items[\(index)].quantity", "items[\(index)].quantity must be from 1 to 10000.")
            }
        }
        items = request.items
    }

    /// Trimmed, non-empty, at most `maximum` characters, no control characters.
    private static func text(_ value: String, field: String, maximum: Int) throws(ProblemDetails) -> String {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw .invalidField(field, "\(field) must not be empty.") }
        guard trimmed.count <= maximum else { throw .invalidField(field, "\(field) must be at most \(maximum) characters.") }
        guard trimmed.unicodeScalars.allSatisfy({ !CharacterSet.controlCharacters.contains($0) }) else {
            throw .invalidField(field, "\(field) must not contain control characters.")
        }
        return trimmed
    }
}

/// Order ids as the payment and shipping APIs accept them.
enum OrderID {
    /// 1 to 128 characters with no whitespace or control characters.
    static func validate(_ value: String, field: String) throws(ProblemDetails) -> String {
        guard !value.isEmpty, value.count <= 128,
            value.unicodeScalars.allSatisfy({ !CharacterSet.whitespacesAndNewlines.union(.controlCharacters).contains($0) })
        else { throw .invalidField(field, "\(field) must be 1 to 128 characters without spaces.") }
        return value
    }
}

/// The body of `POST /shipments/cancellations`.
struct CancelByOrderRequest: Decodable, Sendable {
    var orderId: String
}
