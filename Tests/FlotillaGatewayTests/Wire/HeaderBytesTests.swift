import Testing

@testable import FlotillaGateway

/// The word-at-a-time scan of field values against a byte-by-byte reference.
@Suite("HeaderBytes: a field value's end found eight bytes at a time")
struct HeaderBytesTests {
    static func isControl(_ byte: UInt8) -> Bool { byte < 0x20 || byte == 0x7F }

    @Test("a word has a control byte exactly when one of its bytes is below 0x20 or DEL, wherever it is")
    func everyByteAtEveryPosition() {
        for filler in [UInt8(ascii: "a"), 0x20, 0x7E, 0x80, 0xFF] {
            for byte in UInt8.min...UInt8.max {
                for position in 0..<8 {
                    var bytes = [UInt8](repeating: filler, count: 8)
                    bytes[position] = byte
                    let word = bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
                    #expect(HeaderBytes.hasControlByte(word) == Self.isControl(byte), "byte \(byte) at \(position) among \(filler)")
                }
            }
        }
    }

    @Test("random values: the end is the first control byte that is not a tab")
    func randomValues() {
        var generator = SystemRandomNumberGenerator()
        let alphabet: [UInt8] = [0x09, 0x0D, 0x0A, 0x00, 0x1F, 0x20, 0x41, 0x7E, 0x7F, 0x80, 0xC3, 0xFF]
        for _ in 0..<20_000 {
            let length = Int.random(in: 0..<40, using: &generator)
            let bytes = (0..<length).map { _ in
                Bool.random(using: &generator) ? UInt8(ascii: "x") : alphabet.randomElement(using: &generator)!
            }
            let start = length == 0 ? 0 : Int.random(in: 0...length, using: &generator)
            let expected = bytes[start...].firstIndex { Self.isControl($0) && $0 != 0x09 } ?? length
            let found = bytes.withUnsafeBytes { HeaderBytes.endOfValue(in: $0, from: start) }
            #expect(found == expected, "\(bytes) from \(start)")
        }
    }
}
