import NIOCore

/// Writes a head's bytes into memory reserved for it in one piece: the hot path's heads are a dozen small pieces, and
/// a `ByteBuffer` write per piece (each checking capacity and uniqueness) cost more than the copies themselves.
/// Every write checks that it fits what was reserved (a precondition, not an assumption).
struct HeadBytesWriter {
    private let memory: UnsafeMutableRawBufferPointer
    private(set) var count = 0

    init(_ memory: UnsafeMutableRawBufferPointer) { self.memory = memory }

    mutating func write(_ bytes: UnsafeRawBufferPointer) {
        precondition(count + bytes.count <= memory.count, "a head outgrew the room reserved for it")
        guard let source = bytes.baseAddress, bytes.count > 0 else { return }
        (memory.baseAddress! + count).copyMemory(from: source, byteCount: bytes.count)
        count += bytes.count
    }

    mutating func write(_ text: StaticString) {
        write(UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    mutating func write(_ text: String) {
        let copied: Void? = text.utf8.withContiguousStorageIfAvailable { write(UnsafeRawBufferPointer($0)) }
        if copied == nil {
            var text = text
            text.withUTF8 { write(UnsafeRawBufferPointer($0)) }
        }
    }

    /// Writes `nameAndColon` (`"name: "`), `value` and CRLF.
    mutating func writeField(_ nameAndColon: StaticString, _ value: String) {
        write(nameAndColon)
        write(value)
        write("\r\n")
    }

    /// Drops what was written after the first `count` bytes.
    mutating func rewind(to count: Int) {
        precondition(count <= self.count)
        self.count = count
    }

    mutating func write(_ text: Substring) {
        let copied: Void? = text.utf8.withContiguousStorageIfAvailable { write(UnsafeRawBufferPointer($0)) }
        if copied == nil { write(String(text)) }
    }

    mutating func write(byte: UInt8) {
        precondition(count < memory.count, "a head outgrew the room reserved for it")
        memory[count] = byte
        count += 1
    }
}

extension ByteBuffer {
    /// Appends a head written by `body` into `maximumLength` bytes reserved at once.
    mutating func writeHead(maximumLength: Int, _ body: (inout HeadBytesWriter) throws -> Void) rethrows {
        try writeWithUnsafeMutableBytes(minimumWritableBytes: maximumLength) { memory in
            var writer = HeadBytesWriter(memory)
            try body(&writer)
            return writer.count
        }
    }
}
