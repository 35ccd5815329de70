/// Request ids as carried by the `X-Request-ID` header.
///
/// A caller's id is kept when it is "sane": 1 to 128 characters, all of them printable ASCII
/// letters, digits or `-_.:/+=@`. Anything else (empty, too long, spaces, control characters,
/// quotes that could break a log line) is replaced by a freshly generated id.
public enum RequestID {
    /// The longest caller-supplied id that is kept.
    public static let maximumLength = 128

    /// Whether `candidate` may be used as a request id as it is.
    public static func isSane(_ candidate: Substring) -> Bool {
        guard !candidate.isEmpty, candidate.utf8.count <= maximumLength else { return false }
        return candidate.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                return true
            case UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: ":"), UInt8(ascii: "/"),
                UInt8(ascii: "+"), UInt8(ascii: "="), UInt8(ascii: "@"):
                return true
            default:
                return false
            }
        }
    }

    /// The caller's id when it is sane, a new one otherwise.
    public static func accept(_ candidate: String?) -> String {
        if let candidate, isSane(candidate[...]) { return candidate }
        return generate()
    }

    /// A new random id: 32 lowercase hex digits (128 random bits).
    public static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        return hex(generator.next() as UInt64) + hex(generator.next() as UInt64)
    }

    private static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
