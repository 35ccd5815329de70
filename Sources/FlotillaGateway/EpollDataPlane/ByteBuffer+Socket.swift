#if canImport(Glibc)
import Glibc
import NIOCore

extension ByteBuffer {
    /// Reads what `fd` has (one `read`, into at least `reserving` bytes of room) onto the end of the buffer;
    /// returns read's result: the count, 0 at the end of the stream, -1 with `errno` set.
    mutating func read(from fd: Int32, reserving: Int) -> Int {
        var result = 0
        writeWithUnsafeMutableBytes(minimumWritableBytes: reserving) { buffer in
            result = Glibc.read(fd, buffer.baseAddress, buffer.count)
            return max(result, 0)
        }
        return result
    }
}
#endif
