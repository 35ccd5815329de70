import NIOCore

@testable import FlotillaGateway

/// What an ``UpstreamResponseFramer`` made of bytes fed to it in pieces, the way `UpstreamHandler` feeds it: one
/// buffer per read, `next` called until it returns nil.
struct FramedResponse {
    var heads: [UpstreamResponseHead] = []
    /// The body parts concatenated.
    var body: [UInt8] = []
    var bodyEvents = 0
    var ended = false
    /// Bytes after `.end`: what was left in the buffer plus the pieces not fed.
    var leftover: [UInt8] = []
    /// Bytes the framer left in a buffer when it asked for more (it must consume them all, or they are lost).
    var unread = 0

    var text: String { String(decoding: body, as: UTF8.self) }
}

/// Feeds pieces of bytes to framers and cuts bytes into pieces.
enum FramerFeeding {
    static let allocator = ByteBufferAllocator()

    static func framer(toHead: Bool = false, decodeChunks: Bool = false) -> UpstreamResponseFramer {
        var framer = UpstreamResponseFramer(allocator: allocator)
        framer.expectResponse(toHead: toHead, decodeChunks: decodeChunks)
        return framer
    }

    /// Feeds `pieces` until the response ends.
    static func feed(_ pieces: [[UInt8]], to framer: inout UpstreamResponseFramer) throws -> FramedResponse {
        var result = FramedResponse()
        for (index, piece) in pieces.enumerated() {
            var buffer = ByteBuffer(bytes: piece)
            while let event = try framer.next(&buffer) {
                switch event {
                case .head(let head): result.heads.append(head)
                case .body(let part):
                    result.body += Array(part.readableBytesView)
                    result.bodyEvents += 1
                case .end:
                    result.ended = true
                    result.leftover = Array(buffer.readableBytesView) + pieces[(index + 1)...].flatMap { $0 }
                    return result
                }
            }
            result.unread += buffer.readableBytes
        }
        return result
    }

    static func frame(_ pieces: [[UInt8]], toHead: Bool = false, decodeChunks: Bool = false) throws -> FramedResponse {
        var framer = framer(toHead: toHead, decodeChunks: decodeChunks)
        return try feed(pieces, to: &framer)
    }

    static func frame(_ text: String, toHead: Bool = false, decodeChunks: Bool = false) throws -> FramedResponse {
        try frame([Array(text.utf8)], toHead: toHead, decodeChunks: decodeChunks)
    }

    /// The bytes cut in two at `split`.
    static func split(_ bytes: [UInt8], at split: Int) -> [[UInt8]] {
        [Array(bytes[..<split]), Array(bytes[split...])]
    }

    /// Every way of cutting the text in two (including "all in the second piece"), then one byte at a time.
    static func everySplit(_ text: String) -> [[[UInt8]]] {
        let bytes = Array(text.utf8)
        return (0..<bytes.count).map { split(bytes, at: $0) } + [bytes.map { [$0] }]
    }

    static func bytewise(_ text: String) -> [[UInt8]] { Array(text.utf8).map { [$0] } }

    static func wire(_ head: UpstreamResponseHead) -> String { String(buffer: head.wire) }
}
