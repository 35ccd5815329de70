/// Parses an HTTP `Retry-After` header value: delay-seconds (`"120"`) or an HTTP-date
/// (IMF-fixdate `"Wed, 21 Oct 2015 07:28:00 GMT"`, obsolete RFC 850 and asctime forms).
public enum RetryAfter {
    /// The delay the header asks for, relative to `nowUnixSeconds` (the wall clock, seconds
    /// since 1970); `nil` if the value is malformed. A date in the past yields zero.
    public static func parse(_ value: String, nowUnixSeconds: Double) -> Duration? {
        let trimmed = value.trimmingASCIIWhitespace()
        if !trimmed.isEmpty, trimmed.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
            guard let seconds = Int64(trimmed) else { return nil }
            return .seconds(seconds)
        }
        guard let date = HTTPDate.parse(trimmed) else { return nil }
        let delta = Double(date) - nowUnixSeconds
        return delta > 0 ? .secondsDouble(delta.rounded(.up)) : .zero
    }
}

extension String {
    func trimmingASCIIWhitespace() -> String {
        let bytes = Array(utf8)
        var start = 0
        var end = bytes.count
        while start < end, bytes[start] == 0x20 || bytes[start] == 0x09 { start += 1 }
        while end > start, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 { end -= 1 }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }
}
