#if canImport(Glibc)
import Glibc
import NIOCore

extension ByteBuffer {
    /// Reads what `fd` has (one `read`, into at least `reserving` bytes of room) onto the end of the buffer;
    /// returns read's result (the count, 0 at the end of the stream, -1 with `errno` set) and whether it filled the
    /// room. A read that did not fill it emptied the socket: on an edge-triggered descriptor, anything that arrives
    /// later is a new event; after one that did, more may be waiting.
    mutating func read(from fd: Int32, reserving: Int) -> (result: Int, filledRoom: Bool) {
        var result = 0
        var room = 0
        writeWithUnsafeMutableBytes(minimumWritableBytes: reserving) { buffer in
            room = buffer.count
            result = Glibc.read(fd, buffer.baseAddress, buffer.count)
            return max(result, 0)
        }
        return (result, result == room)
    }
}
#endif
