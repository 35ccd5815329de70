/// Byte-level checks on HTTP/1.1 header text (RFC 9110 §5.1, §5.5), used where the proxy reads or writes heads
/// as bytes instead of through NIO's parsed types.
enum HeaderBytes {
    static let cr = UInt8(ascii: "\r")
    static let lf = UInt8(ascii: "\n")
    static let space = UInt8(ascii: " ")
    static let tab = UInt8(ascii: "\t")
    static let colon = UInt8(ascii: ":")

    /// A `tchar` of a field name or method.
    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"), UInt8(ascii: "'"),
            UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "^"), UInt8(ascii: "_"),
            UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    /// A byte allowed in a field value or reason phrase: visible characters, space, tab and obs-text; no CR, LF,
    /// NUL or other controls.
    static func isValueByte(_ byte: UInt8) -> Bool {
        byte == tab || (byte >= 0x20 && byte != 0x7F)
    }

    /// The end of a field value that starts at `start`: the first byte from there that is neither a value byte nor
    /// a tab (the CR of a well-formed line), or `bytes.count`. Eight bytes at a time where none is a control byte.
    static func endOfValue(in bytes: UnsafeRawBufferPointer, from start: Int) -> Int {
        var index = start
        while true {
            while index + 8 <= bytes.count, !hasControlByte(bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)) { index += 8 }
            while index < bytes.count, bytes[index] >= 0x20, bytes[index] != 0x7F { index += 1 }
            guard index < bytes.count, bytes[index] == tab else { return index }
            index += 1
        }
    }

    /// Whether one of the eight bytes of `word` is below 0x20 or is DEL (0x7F). Exact: a borrow between bytes only
    /// starts at a byte that is itself below the bound.
    static func hasControlByte(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let below = (word &- ones &* 0x20) & ~word & highs
        let delete = word ^ (ones &* 0x7F)
        return below | ((delete &- ones) & ~delete & highs) != 0
    }

    /// ASCII case-insensitive equality of two byte sequences, without allocating.
    static func equalsIgnoringCase(_ left: some Sequence<UInt8>, _ right: some Sequence<UInt8>) -> Bool {
        var lefts = left.makeIterator()
        var rights = right.makeIterator()
        while true {
            let a = lefts.next()
            let b = rights.next()
            guard let a, let b else { return a == nil && b == nil }
            if lowercased(a) != lowercased(b) { return false }
        }
    }

    /// ASCII case-insensitive equality of header bytes and a name.
    static func equalsIgnoringCase(_ bytes: UnsafeRawBufferPointer, _ name: String) -> Bool {
        let compared = name.utf8.withContiguousStorageIfAvailable { utf8 -> Bool in
            guard utf8.count == bytes.count else { return false }
            for index in 0..<utf8.count where lowercased(bytes[index]) != lowercased(utf8[index]) { return false }
            return true
        }
        return compared ?? equalsIgnoringCase(bytes, name.utf8)
    }

    /// Whether header bytes are `lowercaseName` in any case (ASCII). For the names the hot path looks for: a static
    /// string is compared in place, with no String storage to look through.
    @inline(__always)
    static func matches(_ bytes: UnsafeRawBufferPointer, _ lowercaseName: StaticString) -> Bool {
        guard bytes.count == lowercaseName.utf8CodeUnitCount else { return false }
        let name = lowercaseName.utf8Start
        for index in 0..<bytes.count where lowercased(bytes[index]) != name[index] { return false }
        return true
    }

    /// Whether a name is `lowercaseName` in any case (ASCII), without walking the String's UTF-8 view.
    static func matches(_ name: String, _ lowercaseName: StaticString) -> Bool {
        guard name.utf8.count == lowercaseName.utf8CodeUnitCount else { return false }
        let compared = name.utf8.withContiguousStorageIfAvailable { matches(UnsafeRawBufferPointer($0), lowercaseName) }
        return compared
            ?? equalsIgnoringCase(name.utf8, UnsafeRawBufferPointer(start: lowercaseName.utf8Start, count: lowercaseName.utf8CodeUnitCount))
    }

    /// ASCII case-insensitive equality of two names.
    static func equalsIgnoringCase(_ name: some StringProtocol, _ other: some StringProtocol) -> Bool {
        equalsIgnoringCase(name.utf8, other.utf8)
    }

    /// An ASCII letter in lower case; any other byte as it is.
    static func lowercased(_ byte: UInt8) -> UInt8 { (byte >= 65 && byte <= 90) ? byte + 32 : byte }

    /// The value of an ASCII hex digit, or nil.
    static func hexValue(_ byte: UInt8) -> Int? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return Int(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return Int(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return Int(byte - UInt8(ascii: "A") + 10)
        default: return nil
        }
    }
}
