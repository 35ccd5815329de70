/// How window counters are read.
public enum WindowRateLimitAlgorithm: String, Sendable, Hashable, Codable {
    /// Count requests in the current calendar window only (Kong's default).
    case fixed
    /// Weight the previous window by how much of it still overlaps the last window length:
    /// `previous × (1 − elapsed / length) + current`.
    case sliding
}
