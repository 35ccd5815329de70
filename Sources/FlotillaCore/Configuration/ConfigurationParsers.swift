import Foundation

/// Parsers for the value shapes configuration uses: durations, byte counts, names, URLs.
public enum ConfigurationParsers {
    /// Parses `10s`, `500ms`, `2m`, `1h`, `1.5s` or a bare number of seconds; `nil` if malformed or negative.
    public static func duration(_ text: String) -> Duration? {
        let units: [(suffix: String, nanoseconds: Double)] = [
            ("ns", 1), ("us", 1e3), ("µs", 1e3), ("ms", 1e6), ("s", 1e9), ("m", 60e9), ("h", 3600e9),
        ]
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        for unit in units where trimmed.hasSuffix(unit.suffix) {
            let number = trimmed.dropLast(unit.suffix.count)
            // "ms" also ends in "s": only accept when the rest is a plain number.
            guard let value = Double(number), value >= 0, value.isFinite else { continue }
            return .nanoseconds(Int64(value * unit.nanoseconds))
        }
        guard let seconds = Double(trimmed), seconds >= 0, seconds.isFinite else { return nil }
        return .nanoseconds(Int64(seconds * 1e9))
    }

    /// Parses `1048576`, `512KiB`, `1MiB`, `1kb`, `2MB` into bytes; `nil` if malformed.
    public static func byteCount(_ text: String) -> Int? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        let units: [(suffix: String, factor: Int)] = [
            ("kib", 1 << 10), ("mib", 1 << 20), ("gib", 1 << 30), ("kb", 1000), ("mb", 1_000_000), ("gb", 1_000_000_000),
            ("k", 1 << 10), ("m", 1 << 20), ("b", 1),
        ]
        for unit in units where trimmed.hasSuffix(unit.suffix) {
            guard let value = Int(trimmed.dropLast(unit.suffix.count).trimmingCharacters(in: .whitespaces)) else { return nil }
            let (bytes, overflow) = value.multipliedReportingOverflow(by: unit.factor)
            return overflow ? nil : bytes
        }
        return Int(trimmed)
    }

    /// Whether `name` is a DNS-label-like service name: 1–63 of `a-z`, `0-9`, `-`, not starting or ending with `-`.
    public static func isServiceName(_ name: String) -> Bool {
        guard (1...63).contains(name.utf8.count), name.first != "-", name.last != "-" else { return false }
        return name.utf8.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 45 }
    }

    /// Whether `text` is an `http://` or `https://` URL with a host.
    public static func isHTTPURL(_ text: String) -> Bool {
        for scheme in ["http://", "https://"] where text.hasPrefix(scheme) {
            let rest = text.dropFirst(scheme.count)
            let host = rest.prefix { $0 != "/" && $0 != ":" }
            return !host.isEmpty && !rest.contains(where: \.isWhitespace)
        }
        return false
    }
}
