import FlotillaCore
import Foundation

/// Where a reservation is in its life.
public enum ReservationStatus: String, Codable, Sendable {
    /// The stock is held until the reservation is committed, released or expires.
    case reserved
    /// The stock is taken for good.
    case committed
    /// The stock went back; the id is closed (a later reserve with it is refused).
    case released
    /// The reservation outlived its TTL and its stock went back; the id is closed.
    case expired
    /// Only in the answer to releasing an id that was never reserved: nothing to give back, the id is now closed.
    case none
}

/// One line of a reservation: a quantity of one product.
public struct ReservationItem: Codable, Sendable, Equatable {
    /// The product.
    public var sku: String
    /// Units held (always positive).
    public var quantity: Int

    /// Creates an item.
    public init(sku: String, quantity: Int) {
        self.sku = sku
        self.quantity = quantity
    }
}

/// A reservation as the API shows it.
public struct Reservation: Codable, Sendable, Equatable {
    /// The client-chosen id (an order id, say).
    public var id: String
    /// Its status.
    public var status: ReservationStatus
    /// What it holds, one line per sku, ordered by sku (empty for an id closed by a release that had nothing to release).
    public var items: [ReservationItem]
    /// When an uncommitted reservation expires (RFC 3339); `null` when it never held stock.
    public var expiresAt: String?

    /// Creates a reservation.
    public init(id: String, status: ReservationStatus, items: [ReservationItem], expiresAt: String?) {
        self.id = id
        self.status = status
        self.items = items
        self.expiresAt = expiresAt
    }

    enum CodingKeys: String, CodingKey { case id, status, items, expiresAt }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(status, forKey: .status)
        try container.encode(items, forKey: .items)
        // Always present, so every answer has the same shape.
        try container.encode(expiresAt, forKey: .expiresAt)
    }

    /// An instant as RFC 3339 with milliseconds (`2026-11-27T18:30:00.123Z`).
    static func timestamp(_ date: Date) -> String {
        Timestamp.string(date)
    }
}

/// Bounds that keep arithmetic far from overflow and requests small.
enum ReservationLimits {
    /// The most lines in one reservation request.
    static let maximumItems = 100
    /// The most units of one sku in one reservation.
    static let maximumQuantity = 1_000_000
    /// The most units of one product in stock.
    static let maximumStock = 1_000_000_000
    /// The longest reservation id.
    static let maximumIDLength = 128
}
