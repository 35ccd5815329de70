import FlotillaCore
import FlotillaStore
import Foundation
import SQLKit

/// Reads and writes orders.
struct OrderRepository: Sendable {
    let store: Store

    /// Inserts `order` through `database` (the caller's transaction).
    func insert(_ order: StoredOrder, on database: any SQLDatabase) async throws {
        try await database.insert(into: "orders").model(order).run()
    }

    /// Records the saga's outcome on the order (inside the saga's ending transaction).
    func finish(id: String, status: OrderStatus, reason: String?, on database: any SQLDatabase) async throws {
        try await database.update("orders")
            .set("status", to: SQLBind(status.rawValue))
            .set("reason", to: SQLBind(reason))
            .set("updated_at", to: SQLBind(Timestamps.now()))
            .where("id", .equal, SQLBind(id))
            .run()
    }

    /// The order `id`, if it exists.
    func find(id: String) async throws -> StoredOrder? {
        try await store.sql.select().columns("*").from("orders").where("id", .equal, SQLBind(id))
            .first(decoding: StoredOrder.self)
    }

    /// A page of `userID`'s orders, newest first, after `cursor`.
    func page(userID: String, limit: Int, after cursor: OrderCursor?) async throws -> [StoredOrder] {
        var query = store.sql.select().columns("*").from("orders").where("user_id", .equal, SQLBind(userID))
        if let cursor {
            query = query.where { group in
                group.where("created_at", .lessThan, SQLBind(cursor.createdAt))
                    .orWhere { inner in
                        inner.where("created_at", .equal, SQLBind(cursor.createdAt)).where("id", .lessThan, SQLBind(cursor.id))
                    }
            }
        }
        return try await query.orderBy("created_at", .descending).orderBy("id", .descending).limit(limit)
            .all(decoding: StoredOrder.self)
    }
}

/// Where a page of orders continues: the last order's creation time and id, opaque to clients.
struct OrderCursor: Sendable, Equatable {
    var createdAt: String
    var id: String

    /// The cursor as sent to clients (base64url of `createdAt|id`).
    var token: String {
        Data("\(createdAt)|\(id)".utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    init(createdAt: String, id: String) {
        self.createdAt = createdAt
        self.id = id
    }

    /// Parses a client's cursor; nil when it is not one of ours.
    init?(token: String) {
        var text = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while text.count % 4 != 0 { text += "=" }
        guard let data = Data(base64Encoded: text), let decoded = String(data: data, encoding: .utf8) else { return nil }
        let parts = decoded.split(separator: "|", maxSplits: 1)
        guard parts.count == 2 else { return nil }
        self.init(createdAt: String(parts[0]), id: String(parts[1]))
    }
}

/// ISO 8601 timestamps with milliseconds, which sort as text.
enum Timestamps {
    static func now() -> String { string(Date()) }

    static func string(_ date: Date) -> String {
        Timestamp.string(date)
    }
}
