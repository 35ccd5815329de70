import FlotillaStore
import Foundation
import SQLKit

/// The reservation state machine over the database: every call runs inside the caller's transaction
/// (`database`) and moves stock and status together, so a crash leaves either all of a change or none.
///
/// Each status change is a conditional `UPDATE … WHERE status = 'reserved'`, so two replicas (or a
/// sweep racing a commit) can never both apply one; stock leaves `products` only through
/// `UPDATE … SET stock = stock - q WHERE stock >= q`, so it never goes negative. Locks are taken in one
/// order (the reservation row, then product rows by sku) so transactions never deadlock each other.
struct ReservationLedger: Sendable {
    /// A concurrent request created the same reservation id first; the caller retries and sees it.
    struct Race: Error {}

    /// Units vanished between the locked read and the decrement; cannot happen with the locks held, and rolls back if it does.
    struct StockMoved: Error, CustomStringConvertible {
        var sku: String
        var description: String { "stock of \(sku) changed under a held lock" }
    }

    /// How long an uncommitted reservation holds its stock.
    let ttl: Duration

    func reserve(_ request: NewReservation, now: Date, in database: any SQLDatabase) async throws -> ReserveOutcome {
        let nowMS = now.millisecondsSince1970
        if let existing = try await lockReservation(id: request.id, in: database) {
            var stored = existing
            if existing.isDue(at: nowMS) { stored = try await expire(existing, now: nowMS, in: database) ?? existing }
            let items = try await items(of: stored.id, in: database)
            let reservation = stored.reservation(items: items)
            switch stored.reservationStatus {
            case .reserved, .committed: return items == request.items ? .existing(reservation) : .mismatch(reservation)
            case .released, .expired, .none: return .closed(reservation)
            }
        }
        let skus = request.items.map(\.sku)
        let rows = try await database.select().column("sku").column("stock").from("products")
            .where("sku", .in, skus).orderBy("sku").for(.update)
            .all()
        var stock: [String: Int] = [:]
        for row in rows { stock[try row.decode(column: "sku", as: String.self)] = try row.decode(column: "stock", as: Int.self) }
        let unknown = skus.filter { stock[$0] == nil }
        guard unknown.isEmpty else { return .unknownSkus(unknown) }
        let shortages = request.items.compactMap { item -> Shortage? in
            let available = stock[item.sku] ?? 0
            return available < item.quantity ? Shortage(sku: item.sku, requested: item.quantity, available: available) : nil
        }
        guard shortages.isEmpty else { return .outOfStock(shortages) }

        let expiresMS = nowMS + Self.milliseconds(ttl)
        let inserted = try await database.insert(into: "reservations")
            .model(StoredReservation(id: request.id, status: "reserved", created_at_ms: nowMS, expires_at_ms: expiresMS, updated_at_ms: nowMS))
            .ignoringConflicts(with: "id")
            .returning("id")
            .all()
        guard !inserted.isEmpty else { throw Race() }
        for item in request.items {
            let updated = try await database.update("products")
                .set("stock", to: SQLBinaryExpression(SQLColumn("stock"), .subtract, SQLBind(item.quantity)))
                .where("sku", .equal, item.sku)
                .where("stock", .greaterThanOrEqual, item.quantity)
                .returning("sku")
                .all()
            guard !updated.isEmpty else { throw StockMoved(sku: item.sku) }
            try await database.insert(into: "reservation_items")
                .model(StoredReservationItem(reservation_id: request.id, sku: item.sku, quantity: item.quantity))
                .run()
        }
        let stored = StoredReservation(id: request.id, status: "reserved", created_at_ms: nowMS, expires_at_ms: expiresMS, updated_at_ms: nowMS)
        return .reserved(stored.reservation(items: request.items))
    }

    func release(id: String, now: Date, in database: any SQLDatabase) async throws -> ReleaseOutcome {
        let nowMS = now.millisecondsSince1970
        guard let existing = try await lockReservation(id: id, in: database) else {
            // A compensation that overtook its reserve (or one for a reserve that never landed): close the id.
            let tombstone = StoredReservation(id: id, status: "released", created_at_ms: nowMS, expires_at_ms: nil, updated_at_ms: nowMS)
            let inserted = try await database.insert(into: "reservations").model(tombstone).ignoringConflicts(with: "id").returning("id").all()
            guard !inserted.isEmpty else { throw Race() }
            var reservation = tombstone.reservation(items: [])
            reservation.status = .none
            return .nothingReserved(reservation)
        }
        let items = try await items(of: id, in: database)
        switch existing.reservationStatus {
        case .reserved:
            guard let released = try await transition(existing, to: .released, returningStock: items, now: nowMS, in: database) else {
                throw Race()
            }
            return .released(released.reservation(items: items))
        case .released, .expired, .none: return .alreadyClosed(existing.reservation(items: items))
        case .committed: return .committed(existing.reservation(items: items))
        }
    }

    func commit(id: String, now: Date, in database: any SQLDatabase) async throws -> CommitOutcome {
        let nowMS = now.millisecondsSince1970
        guard var existing = try await lockReservation(id: id, in: database) else { return .notFound }
        if existing.isDue(at: nowMS) { existing = try await expire(existing, now: nowMS, in: database) ?? existing }
        let items = try await items(of: id, in: database)
        switch existing.reservationStatus {
        case .reserved:
            guard let committed = try await transition(existing, to: .committed, returningStock: nil, now: nowMS, in: database) else {
                throw Race()
            }
            return .committed(committed.reservation(items: items))
        case .committed: return .alreadyCommitted(existing.reservation(items: items))
        case .released, .expired, .none: return .closed(existing.reservation(items: items))
        }
    }

    /// Expires the reservation `id` if it is still uncommitted and past its TTL; returns it when it did.
    func expireIfDue(id: String, now: Date, in database: any SQLDatabase) async throws -> Reservation? {
        let nowMS = now.millisecondsSince1970
        guard let existing = try await lockReservation(id: id, in: database), existing.isDue(at: nowMS) else { return nil }
        guard let expired = try await expire(existing, now: nowMS, in: database) else { return nil }
        return expired.reservation(items: try await items(of: id, in: database))
    }

    /// The ids of uncommitted reservations past their TTL, oldest first.
    func dueReservations(now: Date, limit: Int, in database: any SQLDatabase) async throws -> [String] {
        try await database.select().column("id").from("reservations")
            .where("status", .equal, ReservationStatus.reserved.rawValue)
            .where("expires_at_ms", .lessThanOrEqual, now.millisecondsSince1970)
            .orderBy("expires_at_ms").limit(limit)
            .all()
            .map { try $0.decode(column: "id", as: String.self) }
    }

    /// The reservation `id` and its items, or `nil`.
    func find(id: String, in database: any SQLDatabase) async throws -> Reservation? {
        guard
            let stored = try await database.select().columns("*").from("reservations").where("id", .equal, id)
                .first(decoding: StoredReservation.self)
        else { return nil }
        return stored.reservation(items: try await items(of: id, in: database))
    }

    // MARK: - Steps

    private func lockReservation(id: String, in database: any SQLDatabase) async throws -> StoredReservation? {
        try await database.select().columns("*").from("reservations").where("id", .equal, id).for(.update)
            .first(decoding: StoredReservation.self)
    }

    private func items(of id: String, in database: any SQLDatabase) async throws -> [ReservationItem] {
        try await database.select().columns("sku", "quantity").from("reservation_items").where("reservation_id", .equal, id)
            .orderBy("sku")
            .all(decoding: ReservationItem.self)
    }

    private func expire(_ stored: StoredReservation, now: Int, in database: any SQLDatabase) async throws -> StoredReservation? {
        let items = try await items(of: stored.id, in: database)
        return try await transition(stored, to: .expired, returningStock: items, now: now, in: database)
    }

    /// Moves a `reserved` reservation to `status`, giving `returningStock` back to `products`; `nil` when it was no longer reserved.
    private func transition(
        _ stored: StoredReservation,
        to status: ReservationStatus,
        returningStock items: [ReservationItem]?,
        now: Int,
        in database: any SQLDatabase
    ) async throws -> StoredReservation? {
        let changed = try await database.update("reservations")
            .set("status", to: status.rawValue)
            .set("updated_at_ms", to: now)
            .where("id", .equal, stored.id)
            .where("status", .equal, ReservationStatus.reserved.rawValue)
            .returning("id")
            .all()
        guard !changed.isEmpty else { return nil }
        for item in items ?? [] {
            try await database.update("products")
                .set("stock", to: SQLBinaryExpression(SQLColumn("stock"), .add, SQLBind(item.quantity)))
                .where("sku", .equal, item.sku)
                .run()
        }
        var updated = stored
        updated.status = status.rawValue
        updated.updated_at_ms = now
        return updated
    }

    private static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
    }
}
