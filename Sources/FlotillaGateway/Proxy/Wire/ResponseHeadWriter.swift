import NIOCore
import NIOHTTP1

/// Writes response heads the gateway makes itself (errors, plugin answers, 100 Continue, a head rebuilt after a
/// plugin's header filter) as HTTP/1.1 bytes. The client connection has no HTTP encoder: proxied responses go out
/// as the upstream framed them, and these are written whole.
enum ResponseHeadWriter {
    /// Status line, fields and the blank line.
    static func bytes(_ head: HTTPResponseHead, allocator: ByteBufferAllocator) -> ByteBuffer {
        var wire = allocator.buffer(capacity: 64 + head.headers.count * 48)
        writeStatusLine(head.status, into: &wire)
        for (name, value) in head.headers { wire.writeField(name, value) }
        wire.writeStaticString("\r\n")
        return wire
    }

    /// `HTTP/1.1 <code> <reason>` and CRLF.
    static func writeStatusLine(_ status: HTTPResponseStatus, into wire: inout ByteBuffer) {
        wire.writeStaticString("HTTP/1.1 ")
        wire.writeString(String(status.code))
        wire.writeInteger(HeaderBytes.space)
        wire.writeString(status.reasonPhrase)
        wire.writeStaticString("\r\n")
    }

    static func continueHead(allocator: ByteBufferAllocator) -> ByteBuffer {
        allocator.buffer(staticString: "HTTP/1.1 100 Continue\r\n\r\n")
    }
}
