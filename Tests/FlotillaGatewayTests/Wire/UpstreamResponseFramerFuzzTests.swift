import FlotillaTesting
import NIOCore
import Testing

@testable import FlotillaGateway

/// A hostile upstream must never crash the gateway: the framer gets thousands of damaged responses, cut at random
/// points, and must either frame them or throw `InvalidUpstreamResponse`. For undamaged ones it must give back the
/// exact body bytes whatever the cuts.
@Suite("UpstreamResponseFramer under random and damaged input")
struct UpstreamResponseFramerFuzzTests {
    static let samples: [String] = [
        "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-Request-ID: a\r\n\r\nhello",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: keep-alive, X-Hop\r\nX-Hop: 1\r\n\r\n5;ext=1\r\nhello\r\n0\r\nTrailer: t\r\n\r\n",
        "HTTP/1.0 200 OK\r\nKeep-Alive: timeout=5\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n",
        "HTTP/1.1 500 Internal Server Error\nContent-Type: text/plain\nContent-Length: 3\n\nerr",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
    ]

    /// Feeds `bytes` in pieces cut where `cuts` says; returns the body bytes emitted, or nil if the framer threw.
    static func frame(_ bytes: [UInt8], cuts: [Int], decode: Bool) -> [UInt8]? {
        var framer = UpstreamResponseFramer(allocator: ByteBufferAllocator())
        framer.expectResponse(toHead: false, decodeChunks: decode)
        var body: [UInt8] = []
        var start = 0
        var ended = false
        for cut in (cuts + [bytes.count]).sorted() where cut >= start && cut <= bytes.count {
            var buffer = ByteBuffer(bytes: bytes[start..<cut])
            start = cut
            do {
                while let event = try framer.next(&buffer) {
                    switch event {
                    case .head: break
                    case .body(let part): body += Array(part.readableBytesView)
                    case .end: ended = true
                    }
                    if ended { break }
                }
            } catch {
                return nil
            }
            if ended { break }
        }
        if !ended, framer.connectionClosed() != nil { ended = true }
        return body
    }

    @Test("damaged responses in random pieces frame or throw, never crash")
    func damagedInputNeverCrashes() {
        var random = SeededGenerator(seed: 0x5EED)
        let alphabet = Array("\r\n :;,0123456789abcdefABCDEF\u{0}\t-HTTP/1.".utf8)
        var threw = 0
        for round in 0..<4000 {
            var bytes = Array(Self.samples[round % Self.samples.count].utf8)
            for _ in 0..<(1 + Int(random.next() % 4)) {
                let position = Int(random.next() % UInt64(bytes.count))
                switch random.next() % 3 {
                case 0: bytes[position] = alphabet[Int(random.next() % UInt64(alphabet.count))]
                case 1: bytes.remove(at: position)
                default: bytes.insert(alphabet[Int(random.next() % UInt64(alphabet.count))], at: position)
                }
                if bytes.isEmpty { bytes = [0] }
            }
            let cuts = (0..<Int(random.next() % 5)).map { _ in Int(random.next() % UInt64(bytes.count + 1)) }
            if Self.frame(bytes, cuts: cuts, decode: random.next() % 2 == 0) == nil { threw += 1 }
        }
        // Most damage is caught; some (a changed letter in a value) is still a valid response.
        #expect(threw > 1000)
        #expect(threw < 4000)
    }

    @Test("undamaged responses give the same body bytes however they are cut")
    func cutsDoNotChangeTheBody() {
        var random = SeededGenerator(seed: 42)
        let expected: [(passthrough: String, decoded: String)] = [
            ("hello", "hello"),
            ("5;ext=1\r\nhello\r\n0\r\nTrailer: t\r\n\r\n", "hello"),
            ("", ""),
            ("", ""),
            ("err", "err"),
            ("3\r\nabc\r\n0\r\n\r\n", "abc"),
        ]
        for round in 0..<600 {
            let index = round % Self.samples.count
            let bytes = Array(Self.samples[index].utf8)
            let cuts = (0..<Int(random.next() % 6)).map { _ in Int(random.next() % UInt64(bytes.count + 1)) }
            #expect(Self.frame(bytes, cuts: cuts, decode: false) == Array(expected[index].passthrough.utf8), "sample \(index), cuts \(cuts)")
            #expect(Self.frame(bytes, cuts: cuts, decode: true) == Array(expected[index].decoded.utf8), "sample \(index), cuts \(cuts)")
        }
    }
}
