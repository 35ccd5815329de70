/// A calendar-aligned rate-limit window, as in Kong's rate-limiting plugin.
/// `second` … `day` are fixed lengths aligned to the Unix epoch (UTC);
/// `month` and `year` start on the first of the month / year in UTC.
public enum RateLimitWindow: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case second, minute, hour, day, month, year

    /// The header suffix Kong uses: `Second`, `Minute`, … (`X-RateLimit-Limit-Minute`).
    public var headerSuffix: String {
        switch self {
        case .second: "Second"
        case .minute: "Minute"
        case .hour: "Hour"
        case .day: "Day"
        case .month: "Month"
        case .year: "Year"
        }
    }

    public static func < (lhs: RateLimitWindow, rhs: RateLimitWindow) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    /// The window containing `time`.
    public func slot(containing time: UnixTime) -> RateLimitWindowSlot {
        let t = time.seconds
        switch self {
        case .second, .minute, .hour, .day:
            let length: Int64 = self == .second ? 1 : self == .minute ? 60 : self == .hour ? 3_600 : 86_400
            let start = t >= 0 ? t / length * length : (t - length + 1) / length * length
            return RateLimitWindowSlot(window: self, start: start, end: start + length)
        case .month:
            let days = t >= 0 ? t / 86_400 : (t - 86_399) / 86_400
            let (y, m, _) = HTTPDate.civilFromDays(days)
            let start = HTTPDate.daysFromCivil(year: y, month: m, day: 1) * 86_400
            let end = HTTPDate.daysFromCivil(year: m == 12 ? y + 1 : y, month: m == 12 ? 1 : m + 1, day: 1) * 86_400
            return RateLimitWindowSlot(window: self, start: start, end: end)
        case .year:
            let days = t >= 0 ? t / 86_400 : (t - 86_399) / 86_400
            let (y, _, _) = HTTPDate.civilFromDays(days)
            let start = HTTPDate.daysFromCivil(year: y, month: 1, day: 1) * 86_400
            let end = HTTPDate.daysFromCivil(year: y + 1, month: 1, day: 1) * 86_400
            return RateLimitWindowSlot(window: self, start: start, end: end)
        }
    }
}

/// One concrete window: `[start, end)` in Unix seconds.
public struct RateLimitWindowSlot: Sendable, Hashable {
    /// The kind of window.
    public var window: RateLimitWindow
    /// First second of the window (Unix seconds, inclusive).
    public var start: Int64
    /// First second after the window (exclusive).
    public var end: Int64

    /// Creates a slot.
    public init(window: RateLimitWindow, start: Int64, end: Int64) {
        self.window = window
        self.start = start
        self.end = end
    }

    /// The window just before this one.
    public var previous: RateLimitWindowSlot {
        window.slot(containing: UnixTime(nanoseconds: (start - 1) * 1_000_000_000))
    }

    /// The window's length in seconds.
    public var length: Int64 { end - start }
}
