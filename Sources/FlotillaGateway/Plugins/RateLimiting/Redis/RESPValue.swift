import NIOCore

/// A value of the Redis serialization protocol (RESP2).
enum RESPValue: Sendable, Hashable {
    case simpleString(String)
    case error(String)
    case integer(Int)
    case bulkString([UInt8]?)
    case array([RESPValue]?)

    /// The value as an integer (an integer reply, or a bulk string of digits); nil otherwise.
    var integer: Int? {
        switch self {
        case .integer(let value): value
        case .bulkString(let bytes?): Int(String(decoding: bytes, as: UTF8.self))
        case .simpleString(let text): Int(text)
        default: nil
        }
    }

    /// Writes `arguments` as a RESP command (an array of bulk strings).
    static func writeCommand(_ arguments: [String], into buffer: inout ByteBuffer) {
        buffer.writeString("*\(arguments.count)\r\n")
        for argument in arguments {
            buffer.writeString("$\(argument.utf8.count)\r\n")
            buffer.writeString(argument)
            buffer.writeString("\r\n")
        }
    }

    /// Parses one value from the front of `buffer`; nil (and `buffer` untouched) when more bytes are needed.
    static func parse(_ buffer: inout ByteBuffer) throws -> RESPValue? {
        var copy = buffer
        guard let value = try parseValue(&copy) else { return nil }
        buffer = copy
        return value
    }

    struct ProtocolError: Error, CustomStringConvertible {
        var description: String
    }

    private static func parseValue(_ buffer: inout ByteBuffer) throws -> RESPValue? {
        guard let type = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self) else { return nil }
        guard let line = readLine(&buffer, skipping: 1) else { return nil }
        switch type {
        case UInt8(ascii: "+"): return .simpleString(line)
        case UInt8(ascii: "-"): return .error(line)
        case UInt8(ascii: ":"):
            guard let value = Int(line) else { throw ProtocolError(description: "bad integer '\(line)'") }
            return .integer(value)
        case UInt8(ascii: "$"):
            guard let length = Int(line), length >= -1 else { throw ProtocolError(description: "bad length '\(line)'") }
            if length == -1 { return .bulkString(nil) }
            guard buffer.readableBytes >= length + 2, let bytes = buffer.readBytes(length: length) else { return nil }
            buffer.moveReaderIndex(forwardBy: 2)
            return .bulkString(bytes)
        case UInt8(ascii: "*"):
            guard let count = Int(line), count >= -1 else { throw ProtocolError(description: "bad count '\(line)'") }
            if count == -1 { return .array(nil) }
            var elements: [RESPValue] = []
            elements.reserveCapacity(count)
            for _ in 0..<count {
                guard let element = try parseValue(&buffer) else { return nil }
                elements.append(element)
            }
            return .array(elements)
        default:
            throw ProtocolError(description: "unknown type byte \(type)")
        }
    }

    /// The text up to CRLF after skipping `skipping` bytes, consuming the CRLF; nil when no full line yet.
    private static func readLine(_ buffer: inout ByteBuffer, skipping: Int) -> String? {
        let view = buffer.readableBytesView
        guard let cr = view.firstIndex(of: UInt8(ascii: "\r")), cr + 1 < view.endIndex,
            view[cr + 1] == UInt8(ascii: "\n")
        else { return nil }
        let text = String(decoding: view[(view.startIndex + skipping)..<cr], as: UTF8.self)
        buffer.moveReaderIndex(to: cr + 2)
        return text
    }
}
