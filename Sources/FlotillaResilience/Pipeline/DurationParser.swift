/// Parses Go-style durations: `"250ms"`, `"5s"`, `"1m30s"`, `"1.5h"`, `"100us"`, `"0"`.
/// Units: `ns`, `us` (`µs`), `ms`, `s`, `m`, `h`.
public enum DurationParser {
    /// The duration `text` denotes, or `nil` if malformed.
    public static func parse(_ text: String) -> Duration? {
        var scalars = Substring(text.trimmingASCIIWhitespace()).unicodeScalars[...]
        var negative = false
        if let first = scalars.first, first == "-" || first == "+" {
            negative = first == "-"
            scalars = scalars.dropFirst()
        }
        if String(scalars) == "0" { return .zero }
        guard !scalars.isEmpty else { return nil }
        var totalNanos: Double = 0
        while !scalars.isEmpty {
            let number = scalars.prefix { ("0"..."9").contains($0) || $0 == "." }
            guard !number.isEmpty, let value = Double(String(number)) else { return nil }
            scalars = scalars.dropFirst(number.count)
            let unit = scalars.prefix { !("0"..."9").contains($0) && $0 != "." }
            scalars = scalars.dropFirst(unit.count)
            let scale: Double
            switch String(unit) {
            case "ns": scale = 1
            case "us", "µs", "μs": scale = 1e3
            case "ms": scale = 1e6
            case "s": scale = 1e9
            case "m": scale = 60e9
            case "h": scale = 3600e9
            default: return nil
            }
            totalNanos += value * scale
        }
        guard totalNanos < 9.2e18 else { return nil }
        let nanos = Int64(totalNanos.rounded())
        return .nanoseconds(negative ? -nanos : nanos)
    }
}
