/// The path and query of a request target (`/a/b?x=1&y=2`), with percent-decoded query parameters, as Kong's
/// `kong.request.get_query()` and `get_path()` see them.
struct RequestTarget: Sendable {
    /// The path, without the query.
    var path: Substring
    /// The raw query (without `?`), nil when there is none.
    var query: Substring?

    init(_ target: String?) {
        let target = target ?? "/"
        if let mark = target.utf8.firstIndex(of: UInt8(ascii: "?")) {
            path = target[..<mark]
            query = target[target.index(after: mark)...]
        } else {
            path = target[...]
            query = nil
        }
    }

    /// Every value of parameter `name` (a parameter without `=` has the value "").
    func values(of name: String) -> [String] {
        guard let query else { return [] }
        var values: [String] = []
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let (key, value) = Self.split(pair)
            if Self.decode(key) == name { values.append(Self.decode(value)) }
        }
        return values
    }

    /// The target without parameter `name`.
    func removing(_ name: String) -> String {
        guard let query else { return String(path) }
        let kept = query.split(separator: "&", omittingEmptySubsequences: true).filter { Self.decode(Self.split($0).0) != name }
        return kept.isEmpty ? String(path) : "\(path)?\(kept.joined(separator: "&"))"
    }

    private static func split(_ pair: Substring) -> (Substring, Substring) {
        guard let eq = pair.firstIndex(of: "=") else { return (pair, "") }
        return (pair[..<eq], pair[pair.index(after: eq)...])
    }

    /// Percent-decoding with `+` as space (form encoding, as nginx's args parser).
    static func decode(_ text: Substring) -> String {
        guard text.contains(where: { $0 == "%" || $0 == "+" }) else { return String(text) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = Array(text.utf8)[...]
        while let byte = iterator.popFirst() {
            if byte == UInt8(ascii: "+") {
                bytes.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%"), iterator.count >= 2,
                let high = hexValue(iterator[iterator.startIndex]),
                let low = hexValue(iterator[iterator.startIndex + 1])
            {
                bytes.append(high << 4 | low)
                iterator = iterator.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

/// Cookie values from `Cookie` headers.
enum Cookies {
    /// The value of cookie `name` in the request's `Cookie` header(s), nil when absent.
    static func value(_ name: String, in cookieHeaders: [String]) -> String? {
        for header in cookieHeaders {
            for part in header.split(separator: ";") {
                let trimmed = part.drop(while: { $0 == " " })
                guard let eq = trimmed.firstIndex(of: "=") else { continue }
                if trimmed[..<eq] == name { return String(trimmed[trimmed.index(after: eq)...]) }
            }
        }
        return nil
    }
}
