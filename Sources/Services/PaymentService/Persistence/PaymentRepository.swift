import FlotillaStore
import Foundation
import SQLKit

/// A payment row as stored.
struct StoredPayment: Codable, Sendable {
    var id: String
    var order_id: String
    var amount: Int64
    var currency: String
    var status: String
    var last4: String
    var reason: String?
    var created_at: String
    var refunded_at: String?

    var payment: Payment {
        Payment(
            id: id,
            orderId: order_id,
            amount: Money(amount: amount, currency: currency),
            status: PaymentStatus(rawValue: status) ?? .declined,
            last4: last4,
            reason: reason,
            createdAt: created_at,
            refundedAt: refunded_at
        )
    }
}

/// Reads and writes payments. Every method takes the database to use, so the writes of one request
/// share the transaction in which its idempotency record is kept.
struct PaymentRepository: Sendable {
    func insert(_ payment: StoredPayment, on database: any SQLDatabase) async throws {
        try await database.insert(into: "payments").model(payment).run()
    }

    func find(id: String, on database: any SQLDatabase) async throws -> StoredPayment? {
        try await database.select().columns("*").from("payments").where("id", .equal, id).first(decoding: StoredPayment.self)
    }

    func list(orderId: String, on database: any SQLDatabase) async throws -> [StoredPayment] {
        try await database.select().columns("*").from("payments").where("order_id", .equal, orderId)
            .orderBy("created_at").orderBy("id").all(decoding: StoredPayment.self)
    }

    /// Marks a captured payment refunded; returns whether this call changed it (a conditional update,
    /// so two concurrent refunds cannot both change it).
    func refund(id: String, at time: String, on database: any SQLDatabase) async throws -> Bool {
        let changed = try await database.update("payments")
            .set("status", to: PaymentStatus.refunded.rawValue)
            .set("refunded_at", to: time)
            .where("id", .equal, id)
            .where("status", .equal, PaymentStatus.captured.rawValue)
            .returning("id")
            .all()
        return !changed.isEmpty
    }
}
