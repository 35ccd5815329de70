/// One Kong route compiled for matching: the conditions, and the sort key of Kong's traditional router.
final class CompiledRoute: Sendable {
    /// A path condition: a plain prefix, or a regex anchored at the start of the path (Kong's `~` paths).
    enum PathCondition: Sendable {
        case prefix(String)
        case regex(String, PathRegex)
    }

    let index: Int
    let route: KongRoute
    let paths: [PathCondition]
    let exactHosts: Set<String>
    let wildcardHosts: [String]
    let methods: Set<String>
    let headers: [(name: String, values: [String])]

    init(index: Int, route: KongRoute) {
        self.index = index
        self.route = route
        // Regex paths are tried before prefixes, longest prefix first (as Kong does within one route).
        let regexes = route.paths.filter { $0.hasPrefix("~") }.map { text -> PathCondition in
            let pattern = String(text.dropFirst())
            return .regex(pattern, PathRegex(pattern))
        }
        let prefixes = route.paths.filter { !$0.hasPrefix("~") }.sorted { $0.utf8.count > $1.utf8.count }.map { PathCondition.prefix($0) }
        self.paths = regexes + prefixes
        self.exactHosts = Set(route.hosts.filter { !$0.contains("*") })
        self.wildcardHosts = route.hosts.filter { $0.contains("*") }
        self.methods = Set(route.methods)
        self.headers = route.headers.sorted { $0.key < $1.key }.map { ($0.key, $0.value.map { $0.lowercased() }) }
    }

    // Kong's traditional router: match rules (bits), then sub-rules, then header count, regex_priority, path length, age.
    static let hostRule = 0x40, headerRule = 0x20, uriRule = 0x10, methodRule = 0x08

    var matchRules: Int {
        (route.hosts.isEmpty ? 0 : Self.hostRule) | (route.headers.isEmpty ? 0 : Self.headerRule)
            | (route.paths.isEmpty ? 0 : Self.uriRule) | (route.methods.isEmpty ? 0 : Self.methodRule)
    }
    var ruleCount: Int { matchRules.nonzeroBitCount }
    var hasRegexPath: Bool { route.paths.contains { $0.hasPrefix("~") } }
    var plainHostsOnly: Bool { !route.hosts.isEmpty && wildcardHosts.isEmpty }
    var subRules: Int { (plainHostsOnly ? 0x02 : 0) | (hasRegexPath ? 0x01 : 0) }
    /// In bytes, as Kong (Lua's `#`) measures it.
    var maxPathLength: Int { route.paths.map { $0.hasPrefix("~") ? $0.utf8.count - 1 : $0.utf8.count }.max() ?? 0 }

    /// True when `self` is evaluated before `other`.
    func precedes(_ other: CompiledRoute) -> Bool {
        if ruleCount != other.ruleCount { return ruleCount > other.ruleCount }
        if matchRules != other.matchRules { return matchRules > other.matchRules }
        if subRules != other.subRules { return subRules > other.subRules }
        if headers.count != other.headers.count { return headers.count > other.headers.count }
        if hasRegexPath, other.hasRegexPath, route.regexPriority != other.route.regexPriority {
            return route.regexPriority > other.route.regexPriority
        }
        if maxPathLength != other.maxPathLength { return maxPathLength > other.maxPathLength }
        return route.order < other.route.order
    }

    /// Matches a request; returns the length in bytes of the matched path prefix (for strip_path) or nil. Paths
    /// are compared byte by byte, as nginx and Kong compare them (not by Swift's grapheme clusters).
    func match(method: String, host: String, path: Substring, headers requestHeaders: RequestHeaderLookup) -> Int? {
        if !methods.isEmpty, !methods.contains(method) { return nil }
        if !route.hosts.isEmpty {
            if !exactHosts.contains(host), !wildcardHosts.contains(where: { Self.wildcard($0, matches: host) }) { return nil }
        }
        for (name, values) in headers {
            guard let value = requestHeaders(name)?.lowercased(), values.contains(value) else { return nil }
        }
        if paths.isEmpty { return 0 }
        for condition in paths {
            switch condition {
            case .prefix(let prefix):
                if path.utf8.starts(with: prefix.utf8) { return prefix.utf8.count }
            case .regex(_, let regex):
                if let length = regex.prefixMatchLength(path) { return length }
            }
        }
        return nil
    }

    static func wildcard(_ pattern: String, matches host: String) -> Bool {
        if pattern.hasPrefix("*.") {
            let suffix = pattern.dropFirst(1)
            return host.count > suffix.count && host.hasSuffix(suffix)
        }
        if pattern.hasSuffix(".*") {
            let prefix = pattern.dropLast(1)
            return host.count > prefix.count && host.hasPrefix(prefix)
        }
        return false
    }
}

/// Looks up a request header by lowercased name.
typealias RequestHeaderLookup = (String) -> String?
