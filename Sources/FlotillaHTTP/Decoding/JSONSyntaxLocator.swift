/// Finds where a malformed JSON text goes wrong, for error messages.
///
/// Foundation's decoder on Linux says only "not valid JSON"; clients need the line and column.
/// This is a strict RFC 8259 recogniser that stops at the first byte that cannot continue a
/// valid document. It builds nothing and is used only after decoding has already failed.
public struct JSONSyntaxLocator {
    /// Where and why a document stops being valid JSON.
    public struct Failure: Equatable, Sendable, CustomStringConvertible {
        /// 1-based line.
        public var line: Int
        /// 1-based column (in bytes).
        public var column: Int
        /// What was expected there.
        public var reason: String

        /// Creates a failure description.
        public init(line: Int, column: Int, reason: String) {
            self.line = line
            self.column = column
            self.reason = reason
        }

        public var description: String { "\(reason) at line \(line), column \(column)" }
    }

    private let bytes: [UInt8]
    private var index = 0
    private let maximumDepth = 512

    /// The first syntax error in `bytes`, or `nil` when they are one valid JSON value.
    public static func locate(_ bytes: [UInt8]) -> Failure? {
        var locator = JSONSyntaxLocator(bytes: bytes)
        return locator.run()
    }

    private init(bytes: [UInt8]) { self.bytes = bytes }

    private mutating func run() -> Failure? {
        skipWhitespace()
        if let failure = value(depth: 0) { return failure }
        skipWhitespace()
        return index < bytes.count ? fail("unexpected text after the JSON value") : nil
    }

    private mutating func value(depth: Int) -> Failure? {
        guard depth < maximumDepth else { return fail("nesting deeper than \(maximumDepth) levels") }
        guard index < bytes.count else { return fail("unexpected end of the body; expected a value") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return object(depth: depth)
        case UInt8(ascii: "["): return array(depth: depth)
        case UInt8(ascii: "\""): return string()
        case UInt8(ascii: "t"): return literal("true")
        case UInt8(ascii: "f"): return literal("false")
        case UInt8(ascii: "n"): return literal("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return number()
        default: return fail("expected a value")
        }
    }

    private mutating func object(depth: Int) -> Failure? {
        index += 1
        skipWhitespace()
        if peek(UInt8(ascii: "}")) {
            index += 1
            return nil
        }
        while true {
            guard peek(UInt8(ascii: "\"")) else { return fail("expected a quoted member name") }
            if let failure = string() { return failure }
            skipWhitespace()
            guard peek(UInt8(ascii: ":")) else { return fail("expected ':' after the member name") }
            index += 1
            skipWhitespace()
            if let failure = value(depth: depth + 1) { return failure }
            skipWhitespace()
            if peek(UInt8(ascii: ",")) {
                index += 1
                skipWhitespace()
                continue
            }
            if peek(UInt8(ascii: "}")) {
                index += 1
                return nil
            }
            return fail("expected ',' or '}'")
        }
    }

    private mutating func array(depth: Int) -> Failure? {
        index += 1
        skipWhitespace()
        if peek(UInt8(ascii: "]")) {
            index += 1
            return nil
        }
        while true {
            if let failure = value(depth: depth + 1) { return failure }
            skipWhitespace()
            if peek(UInt8(ascii: ",")) {
                index += 1
                skipWhitespace()
                continue
            }
            if peek(UInt8(ascii: "]")) {
                index += 1
                return nil
            }
            return fail("expected ',' or ']'")
        }
    }

    private mutating func string() -> Failure? {
        index += 1
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                return nil
            case UInt8(ascii: "\\"):
                index += 1
                guard index < bytes.count else { break }
                if bytes[index] == UInt8(ascii: "u") {
                    for _ in 0..<4 {
                        index += 1
                        guard index < bytes.count, isHexDigit(bytes[index]) else { return fail("expected four hex digits after \\u") }
                    }
                } else if !"\"\\/bfnrt".utf8.contains(bytes[index]) {
                    return fail("invalid escape sequence")
                }
                index += 1
            case 0..<0x20: return fail("control character in a string")
            default: index += 1
            }
        }
        return fail("unterminated string")
    }

    private mutating func number() -> Failure? {
        if peek(UInt8(ascii: "-")) { index += 1 }
        if peek(UInt8(ascii: "0")) {
            index += 1
        } else if !digits() {
            return fail("expected a digit")
        }
        if peek(UInt8(ascii: ".")) {
            index += 1
            guard digits() else { return fail("expected a digit after '.'") }
        }
        if peek(UInt8(ascii: "e")) || peek(UInt8(ascii: "E")) {
            index += 1
            if peek(UInt8(ascii: "+")) || peek(UInt8(ascii: "-")) { index += 1 }
            guard digits() else { return fail("expected a digit in the exponent") }
        }
        return nil
    }

    private mutating func literal(_ word: String) -> Failure? {
        for expected in word.utf8 {
            guard index < bytes.count, bytes[index] == expected else { return fail("expected \(word)") }
            index += 1
        }
        return nil
    }

    private mutating func digits() -> Bool {
        let start = index
        while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
        return index > start
    }

    private mutating func skipWhitespace() {
        while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
    }

    private func peek(_ byte: UInt8) -> Bool { index < bytes.count && bytes[index] == byte }

    private func isHexDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
            || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(byte)
    }

    private func fail(_ reason: String) -> Failure {
        var line = 1
        var column = 1
        for byte in bytes[..<min(index, bytes.count)] {
            if byte == 0x0A {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        return Failure(line: line, column: column, reason: reason)
    }
}
