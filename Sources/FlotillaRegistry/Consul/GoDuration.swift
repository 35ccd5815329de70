/// Go's duration syntax (`time.ParseDuration`), as Consul reads `Interval`, `TTL`, `?wait=` and friends.
///
/// ```swift
/// try GoDuration.parse("1m30s")   // .seconds(90)
/// GoDuration.format(.milliseconds(1500))  // "1.5s"
/// ```
public enum GoDuration {
    /// Why a duration could not be parsed; the description is Go's own message.
    public struct ParseError: Error, Equatable, CustomStringConvertible, Sendable {
        /// Go's message (`time: invalid duration "abc"`).
        public var description: String
    }

    private static let units: [(String, Double)] = [
        ("ns", 1), ("us", 1e3), ("µs", 1e3), ("μs", 1e3), ("ms", 1e6), ("s", 1e9), ("m", 60e9), ("h", 3600e9),
    ]

    /// Parses `text` as Go does: a signed sequence of decimal numbers with units (`300ms`, `-1.5h`, `2h45m`).
    public static func parse(_ text: String) throws(ParseError) -> Duration {
        let quoted = "\"" + text + "\""
        var rest = Substring(text)
        var negative = false
        if let sign = rest.first, sign == "-" || sign == "+" {
            negative = sign == "-"
            rest = rest.dropFirst()
        }
        if rest == "0" { return .zero }
        guard !rest.isEmpty else { throw ParseError(description: "time: invalid duration \(quoted)") }
        var nanoseconds = 0.0
        while !rest.isEmpty {
            let number = rest.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
            guard !number.isEmpty, number != ".", number.filter({ $0 == "." }).count <= 1, let value = Double(number) else {
                throw ParseError(description: "time: invalid duration \(quoted)")
            }
            rest = rest.dropFirst(number.count)
            let unit = rest.prefix { !($0.isASCII && ($0.isNumber || $0 == ".")) }
            guard !unit.isEmpty else { throw ParseError(description: "time: missing unit in duration \(quoted)") }
            guard let scale = units.first(where: { $0.0 == unit })?.1 else {
                throw ParseError(description: "time: unknown unit \"\(unit)\" in duration \(quoted)")
            }
            rest = rest.dropFirst(unit.count)
            nanoseconds += value * scale
        }
        guard nanoseconds < 9.2e18 else { throw ParseError(description: "time: invalid duration \(quoted)") }
        let duration = Duration.nanoseconds(Int64(nanoseconds.rounded()))
        return negative ? .zero - duration : duration
    }

    /// Formats `duration` as Go's `Duration.String()` does for the values Consul shows (`10s`, `1m30s`, `1.5s`, `250ms`).
    public static func format(_ duration: Duration) -> String {
        let total = duration.nanoseconds
        if total == 0 { return "0s" }
        let sign = total < 0 ? "-" : ""
        let value = abs(total)
        if value < 1_000_000_000 {
            if value % 1_000_000 == 0 { return sign + "\(value / 1_000_000)ms" }
            if value % 1000 == 0 { return sign + "\(value / 1000)µs" }
            return sign + "\(value)ns"
        }
        let hours = value / 3_600_000_000_000
        let minutes = value / 60_000_000_000 % 60
        let nanos = value % 60_000_000_000
        var seconds = "\(nanos / 1_000_000_000)"
        var fraction = String(nanos % 1_000_000_000)
        if fraction != "0" {
            fraction = String(repeating: "0", count: 9 - fraction.count) + fraction
            while fraction.hasSuffix("0") { fraction.removeLast() }
            seconds += "." + fraction
        }
        if hours > 0 { return sign + "\(hours)h\(minutes)m\(seconds)s" }
        if minutes > 0 { return sign + "\(minutes)m\(seconds)s" }
        return sign + seconds + "s"
    }
}

extension Duration {
    /// The whole duration in nanoseconds (saturating).
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds.multipliedReportingOverflow(by: 1_000_000_000).partialValue &+ attoseconds / 1_000_000_000
    }

    /// The duration in seconds, for `Date` arithmetic.
    var timeInterval: Double { Double(nanoseconds) / 1e9 }
}
