/// Where a shipment stands.
public enum ShipmentStatus: String, Codable, Sendable {
    /// A carrier pick-up is booked.
    case scheduled
    /// The shipment was called off (an order's compensation).
    case cancelled
}

/// A shipment as the API shows it.
public struct Shipment: Codable, Sendable, Equatable {
    /// The shipment's id (a UUID, lowercase).
    public var id: String
    /// The order the shipment is for.
    public var orderId: String
    /// `scheduled` or `cancelled`.
    public var status: ShipmentStatus
    /// The carrier's tracking id (`FLT` and 12 letters or digits).
    public var trackingId: String
    /// When it was scheduled (RFC 3339).
    public var createdAt: String
    /// When it was cancelled (RFC 3339); only for cancelled shipments.
    public var cancelledAt: String?
}

/// A list answer (`{"items": [...]}`), the shape every list of the order system has.
struct ShipmentList: Codable, Sendable {
    var items: [Shipment]
}
