import FlotillaCore
import Foundation
import Testing

@Suite struct TimestampTests {
    @Test func timestampsAreRFC3339InUTCWithMilliseconds() {
        let date = Date(timeIntervalSince1970: 1_795_000_000.5)
        #expect(Timestamp.string(date) == "2026-11-18T11:06:40.500Z")
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        #expect(formatter.date(from: Timestamp.string(date)) != nil)
    }
}
