/// An Istio VirtualService compiled for matching: rules in order, the first whose match holds wins.
struct CompiledVirtualService: Sendable {
    struct Rule: Sendable {
        let rule: HTTPRouteRule
        let matches: [CompiledMatch]
        /// Destinations with their clusters and endpoint sets, and the cumulative weights for picking one.
        let destinations: [(cluster: Cluster, endpoints: EndpointSet, weight: Int)]
        let totalWeight: Int
    }

    let service: VirtualService
    let rules: [Rule]

    /// The first rule matching the request, with the length in UTF-8 bytes of the matched uri prefix (for rewrite), if
    /// any.
    func match(method: String, path: Substring, headers: RequestHeaderLookup) -> (Rule, prefixLength: Int?)? {
        for rule in rules {
            if rule.matches.isEmpty { return (rule, nil) }
            for match in rule.matches {
                if let result = match.evaluate(method: method, path: path, headers: headers) { return (rule, result) }
            }
        }
        return nil
    }

    /// `path` rewritten by a rule's `rewrite.uri`: the matched prefix (`prefixLength` bytes) replaced, or the whole
    /// path when the match was not a prefix.
    static func rewrite(_ path: String, prefixLength: Int?, with rewrite: String) -> String {
        let rewritten = prefixLength.map { rewrite + Substring(path.utf8.dropFirst($0)) } ?? rewrite
        return rewritten.isEmpty ? "/" : rewritten
    }
}

/// One compiled Istio `match:` entry. Values are compared as Envoy compares them: byte for byte (Swift's `==` and
/// `hasPrefix` compare Characters, under which `/cafe` is no prefix of `/cafe` + a combining accent, and `/café`
/// precomposed equals it decomposed).
struct CompiledMatch: Sendable {
    enum Condition: Sendable {
        case exact(String)
        case prefix(String)
        case regex(PathRegex)

        init(_ match: StringMatch) {
            switch match {
            case .exact(let value): self = .exact(value)
            case .prefix(let value): self = .prefix(value)
            case .regex(let pattern): self = .regex(PathRegex(pattern))
            }
        }

        func holds(_ value: String) -> Bool {
            switch self {
            case .exact(let expected): return value.utf8.elementsEqual(expected.utf8)
            case .prefix(let prefix): return value.utf8.starts(with: prefix.utf8)
            case .regex(let regex): return regex.matchesWhole(value)
            }
        }
    }

    let uri: Condition?
    let method: Condition?
    let headers: [(String, Condition)]
    let ignoreUriCase: Bool

    init(_ match: HTTPMatchRequest) {
        let uri = match.uri.map { uri -> StringMatch in
            guard match.ignoreUriCase else { return uri }
            switch uri {
            case .exact(let value): return .exact(Self.asciiLowercased(value))
            case .prefix(let value): return .prefix(Self.asciiLowercased(value))
            case .regex: return uri
            }
        }
        self.uri = uri.map(Condition.init)
        self.method = match.method.map(Condition.init)
        self.headers = match.headers.sorted { $0.key < $1.key }.map { ($0.key, Condition($0.value)) }
        self.ignoreUriCase = match.ignoreUriCase
    }

    /// Nil when the match fails; otherwise the matched uri prefix's length in UTF-8 bytes (nil when not a prefix match).
    func evaluate(method requestMethod: String, path: Substring, headers lookup: RequestHeaderLookup) -> Int?? {
        if let method, !method.holds(requestMethod) { return nil }
        for (name, condition) in headers {
            guard let value = lookup(name), condition.holds(value) else { return nil }
        }
        guard let uri else { return .some(nil) }
        let text = ignoreUriCase ? Self.asciiLowercased(path) : String(path)
        guard uri.holds(text) else { return nil }
        if case .prefix(let prefix) = uri { return .some(prefix.utf8.count) }
        return .some(nil)
    }

    /// `ignoreUriCase` folds ASCII letters only, as Envoy does: the length of every byte sequence stays the same, so a
    /// prefix matched in the folded path has the same length in the path itself.
    static func asciiLowercased(_ text: some StringProtocol) -> String {
        String(decoding: text.utf8.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }, as: UTF8.self)
    }
}
