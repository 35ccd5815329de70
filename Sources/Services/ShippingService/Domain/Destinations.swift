/// Where the (simulated) carrier delivers.
///
/// Every assigned country is served except the test-only switch `XX` (a code ISO 3166 leaves for user
/// assignment): scheduling to it is refused with 422 `unsupported_destination`, a business refusal that
/// records no shipment, so system tests can make shipping fail and watch an order compensate.
enum Destinations {
    /// The test-only destination that the carrier refuses.
    static let refusedCountry = "XX"

    /// Whether the carrier delivers to `country`.
    static func isServed(_ country: String) -> Bool { country != refusedCountry }
}
