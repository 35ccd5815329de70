import FlotillaTesting

/// Seeded random damage to request heads for the differential fuzz: bytes inserted, deleted or replaced (mostly
/// bytes HTTP/1.1 parsers treat specially), and whole field lines spliced in after a line end.
struct HeadMutator {
    /// CR, LF, SP, HT, colon, comma, NUL, DEL, obs-text, digits, and the letters of the framing and routing fields.
    static let interestingBytes: [UInt8] =
        Array("\r\n \t:,0123456789contelghrasfidkpvCOTELHRS-".utf8) + [0x00, 0x01, 0x7F, 0x80, 0xC3, 0xFF]

    /// Field lines with a meaning for framing, connection handling or routing, and a few malformed ones.
    static let fieldLines: [String] = [
        "Content-Length: 0\r\n", "Content-Length: 1\r\n", "Transfer-Encoding: chunked\r\n", "Host: other.example\r\n",
        "Connection: close\r\n", "Connection: keep-alive\r\n", "Connection: upgrade\r\n", "Proxy-Connection: close\r\n",
        "Upgrade: h2c\r\n", "Expect: 100-continue\r\n", "Keep-Alive: timeout=5\r\n", "X-Empty:\r\n", " folded\r\n",
        "\tfolded\r\n", "X-Bare: lf\n", "TE: trailers\r\n",
    ]

    var random: SeededGenerator

    init(seed: UInt64) { random = SeededGenerator(seed: seed) }

    /// `bytes` with one to `maximumSteps` random changes.
    mutating func mutate(_ bytes: [UInt8], maximumSteps: Int = 3) -> [UInt8] {
        var bytes = bytes
        for _ in 0..<(1 + Int(random.next() % UInt64(maximumSteps))) { step(&bytes) }
        return bytes
    }

    mutating func below(_ bound: Int) -> Int { Int(random.next() % UInt64(max(bound, 1))) }

    private mutating func someByte() -> UInt8 {
        below(4) == 0 ? UInt8(truncatingIfNeeded: random.next()) : Self.interestingBytes[below(Self.interestingBytes.count)]
    }

    private mutating func step(_ bytes: inout [UInt8]) {
        switch below(10) {
        case 0, 1, 2:
            bytes.insert(someByte(), at: below(bytes.count + 1))
        case 3, 4:
            if !bytes.isEmpty { bytes.remove(at: below(bytes.count)) }
        case 5, 6, 7:
            if !bytes.isEmpty { bytes[below(bytes.count)] = someByte() }
        default:
            // After a line end, but not after the blank line's (which would put the line in the body).
            let lineStarts = bytes.indices.dropLast(2).filter { bytes[$0] == 0x0A }.map { $0 + 1 }
            guard !lineStarts.isEmpty else { return }
            bytes.insert(contentsOf: Self.fieldLines[below(Self.fieldLines.count)].utf8, at: lineStarts[below(lineStarts.count)])
        }
    }

    /// The bytes for a report: printable ASCII as it is, `\r`, `\n`, `\t`, `\"`, `\\`, any other byte `\xHH`.
    static func escaped(_ bytes: some Sequence<UInt8>) -> String {
        var text = ""
        for byte in bytes {
            switch byte {
            case 0x0D: text += "\\r"
            case 0x0A: text += "\\n"
            case 0x09: text += "\\t"
            case 0x22: text += "\\\""
            case 0x5C: text += "\\\\"
            case 0x20...0x7E: text.unicodeScalars.append(Unicode.Scalar(byte))
            default: text += "\\x" + (byte < 0x10 ? "0" : "") + String(byte, radix: 16, uppercase: true)
            }
        }
        return text
    }
}
