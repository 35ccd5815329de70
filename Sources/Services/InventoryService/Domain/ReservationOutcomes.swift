/// A product a reservation asked more of than is available.
public struct Shortage: Codable, Sendable, Equatable {
    /// The product.
    public var sku: String
    /// Units asked for.
    public var requested: Int
    /// Units available when the request was refused.
    public var available: Int
}

/// What `POST /reservations` did.
enum ReserveOutcome: Sendable, Equatable {
    /// The stock is now held.
    case reserved(Reservation)
    /// A reservation with this id and these items already exists (a retry); nothing changed.
    case existing(Reservation)
    /// Nothing held: some skus are not in the catalogue.
    case unknownSkus([String])
    /// Nothing held: some products have too little stock.
    case outOfStock([Shortage])
    /// The id was released or expired already (possibly by a compensation that overtook this request).
    case closed(Reservation)
    /// The id is in use with other items.
    case mismatch(Reservation)
}

/// What `POST /reservations/{id}/release` did.
enum ReleaseOutcome: Sendable, Equatable {
    /// The held stock went back.
    case released(Reservation)
    /// It was released or had expired already; nothing changed.
    case alreadyClosed(Reservation)
    /// The id was never reserved; it is now closed so a late reserve with it is refused.
    case nothingReserved(Reservation)
    /// It is committed: its stock is taken for good and cannot be released.
    case committed(Reservation)
}

/// What `POST /reservations/{id}/commit` did.
enum CommitOutcome: Sendable, Equatable {
    /// The stock is taken for good.
    case committed(Reservation)
    /// It was committed already; nothing changed.
    case alreadyCommitted(Reservation)
    /// It was released or has expired: nothing to commit.
    case closed(Reservation)
    /// No reservation has this id.
    case notFound
}
