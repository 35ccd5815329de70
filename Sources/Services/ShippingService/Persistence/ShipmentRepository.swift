import FlotillaStore
import Foundation
import SQLKit

/// A shipment row as stored (the items as a JSON array).
struct StoredShipment: Codable, Sendable {
    var id: String
    var order_id: String
    var status: String
    var tracking_id: String
    var name: String
    var line1: String
    var city: String
    var postal_code: String
    var country: String
    var items: String
    var created_at: String
    var cancelled_at: String?

    var shipment: Shipment {
        Shipment(
            id: id,
            orderId: order_id,
            status: ShipmentStatus(rawValue: status) ?? .cancelled,
            trackingId: tracking_id,
            createdAt: created_at,
            cancelledAt: cancelled_at
        )
    }
}

/// Reads and writes shipments. Every method takes the database to use, so the writes of one request
/// share the transaction in which its idempotency record is kept.
struct ShipmentRepository: Sendable {
    func insert(_ shipment: StoredShipment, on database: any SQLDatabase) async throws {
        try await database.insert(into: "shipments").model(shipment).run()
    }

    func find(id: String, on database: any SQLDatabase) async throws -> StoredShipment? {
        try await database.select().columns("*").from("shipments").where("id", .equal, id).first(decoding: StoredShipment.self)
    }

    func list(orderId: String, on database: any SQLDatabase) async throws -> [StoredShipment] {
        try await database.select().columns("*").from("shipments").where("order_id", .equal, orderId)
            .orderBy("created_at").orderBy("id").all(decoding: StoredShipment.self)
    }

    /// Cancels a scheduled shipment; returns whether this call changed it (a conditional update).
    func cancel(id: String, at time: String, on database: any SQLDatabase) async throws -> Bool {
        let changed = try await database.update("shipments")
            .set("status", to: ShipmentStatus.cancelled.rawValue)
            .set("cancelled_at", to: time)
            .where("id", .equal, id)
            .where("status", .equal, ShipmentStatus.scheduled.rawValue)
            .returning("id")
            .all()
        return !changed.isEmpty
    }
}
