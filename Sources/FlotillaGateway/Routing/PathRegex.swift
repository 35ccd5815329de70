import Foundation

/// A path regex anchored at the start of the path, as Kong 3 anchors `~` paths.
struct PathRegex: @unchecked Sendable {
    // NSRegularExpression is immutable after creation and documented as thread-safe for matching.
    private let regex: NSRegularExpression?

    init(_ pattern: String) {
        self.regex = try? NSRegularExpression(pattern: pattern.hasPrefix("^") ? pattern : "^(?:\(pattern))")
    }

    /// The length in bytes (UTF-8) of the match at the start of `path`, or nil.
    func prefixMatchLength(_ path: Substring) -> Int? {
        guard let regex else { return nil }
        let text = String(path)
        let range = NSRange(text.startIndex..., in: text)
        guard let match = regex.firstMatch(in: text, options: [.anchored], range: range), match.range.location == 0,
            let matched = Range(match.range, in: text)
        else { return nil }
        return text.utf8.distance(from: text.startIndex, to: matched.upperBound)
    }

    /// True when the whole of `text` matches (Istio regex semantics).
    func matchesWhole(_ text: String) -> Bool {
        guard let regex else { return false }
        let range = NSRange(text.startIndex..., in: text)
        guard let match = regex.firstMatch(in: text, options: [.anchored], range: range) else { return false }
        return match.range.length == range.length
    }
}
