/// What the place-order saga carries from step to step (saved in the saga log after every step).
struct PlaceOrderData: Codable, Sendable {
    var orderID: String
    var userID: String
    var lines: [OrderLine]
    var total: Money
    /// The card, sealed (see ``CardSealer``); dropped once the charge step has ended.
    var sealedCard: String?
    var address: ShippingAddress
    var paymentID: String?
    var shipmentID: String?
    var trackingID: String?
}
