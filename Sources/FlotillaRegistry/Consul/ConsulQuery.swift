import Foundation

/// Query parameters decoded as Go's `url.ParseQuery` does: `+` is a space, `%XX` a byte.
enum ConsulQuery {
    /// Every value of `name` in the raw query string, in order.
    static func values(_ name: String, in query: String?) -> [String] {
        guard let query else { return [] }
        var values: [String] = []
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard decode(parts[0]) == name else { continue }
            values.append(parts.count > 1 ? decode(parts[1]) : "")
        }
        return values
    }

    /// The first value of `name`, if present.
    static func value(_ name: String, in query: String?) -> String? {
        values(name, in: query).first
    }

    private static func decode(_ text: Substring) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }
}
