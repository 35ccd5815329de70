#if canImport(Glibc)
import Foundation
import Glibc
import NIOCore
import Testing

@testable import FlotillaGateway

/// The epoll plane's end-of-wake sends, through io_uring and through send(2), on socket pairs: each writer's bytes
/// leave once and whole, a full socket reports `-EAGAIN` with nothing lost or sent twice, a closed writer is left
/// out, a writer queued again from its callback goes in another round, and a closed peer is an error, not a signal.
/// Synchronous tests: a ring is used by the thread that made it.
@Suite struct EndOfWakeWritesTests {
    static let modes = [true, false]

    @Test(arguments: modes) func everyWriterSendsItsBytesOnceInOneRound(throughRing: Bool) throws {
        let writes = try Self.writes(throughRing: throughRing)
        let pairs = try (0..<3).map { _ in try SocketPair() }
        let answers = (0..<3).map { "answer \($0) " + String(repeating: "x", count: $0 * 1000) }
        let writers = pairs.enumerated().map { index, pair in TestWriter(fd: pair.near, bytes: answers[index]) }
        for writer in writers { writes.add(writer) }
        writes.add(writers[1])  // queued once however often it is added
        writes.sendAll()
        for (index, writer) in writers.enumerated() {
            #expect(writer.results == [answers[index].utf8.count])
            #expect(!writer.writeQueued)
            #expect(try pairs[index].readAll() == answers[index])
        }
    }

    @Test(arguments: modes) func aFullSocketSendsWhatFitsThenReportsEAGAINAndLosesNothing(throughRing: Bool) throws {
        let writes = try Self.writes(throughRing: throughRing)
        let pair = try SocketPair(sendBuffer: 4096)
        let payload = String((0..<1_000_000).map { Character(UnicodeScalar(UInt8(97 + $0 % 26))) })
        let writer = TestWriter(fd: pair.near, bytes: payload)
        writes.add(writer)
        writes.sendAll()
        let first = try #require(writer.results.first)
        #expect(first > 0 && first < payload.utf8.count)
        writes.add(writer)
        writes.sendAll()
        #expect(writer.results.last == -Int(EAGAIN))
        // The reader takes everything as it comes, the writer sends the rest each time it is queued again.
        var received = Data()
        while received.count < payload.utf8.count {
            received.append(try pair.readAvailable())
            if writer.remaining > 0 {
                writes.add(writer)
                writes.sendAll()
            }
        }
        #expect(String(decoding: received, as: UTF8.self) == payload)
        #expect(writer.results.filter { $0 > 0 }.reduce(0, +) == payload.utf8.count)
    }

    @Test(arguments: modes) func aWriterClosedBeforeTheWakeEndsIsLeftOut(throughRing: Bool) throws {
        let writes = try Self.writes(throughRing: throughRing)
        let pair = try SocketPair()
        let closed = TestWriter(fd: pair.near, bytes: "never sent")
        let open = TestWriter(fd: pair.near, bytes: "sent")
        writes.add(closed)
        writes.add(open)
        closed.isOpen = false
        writes.sendAll()
        #expect(closed.results.isEmpty)
        #expect(!closed.writeQueued)
        #expect(open.results == [4])
        #expect(try pair.readAll() == "sent")
    }

    @Test(arguments: modes) func aWriterQueuedAgainFromItsCallbackGoesInAnotherRound(throughRing: Bool) throws {
        let writes = try Self.writes(throughRing: throughRing)
        let pair = try SocketPair()
        let writer = TestWriter(fd: pair.near, bytes: "first answer; ")
        writer.onWritten = { writer in
            guard writer.results.count == 1 else { return }
            writer.append("second answer")
            writes.add(writer)
        }
        writes.add(writer)
        writes.sendAll()
        #expect(writer.results == [14, 13])
        #expect(try pair.readAll() == "first answer; second answer")
    }

    @Test(arguments: modes) func aClosedPeerIsAnErrorNotASignal(throughRing: Bool) throws {
        let writes = try Self.writes(throughRing: throughRing)
        let pair = try SocketPair()
        pair.closeFar()
        let writer = TestWriter(fd: pair.near, bytes: "to nobody")
        writes.add(writer)
        writes.sendAll()
        // An error for the writer (and MSG_NOSIGNAL on both paths: no SIGPIPE where nothing ignores it).
        #expect(writer.results == [-Int(EPIPE)])
    }

    @Test func theRingIsUsedWhereTheKernelAllowsIt() throws {
        // This machine's kernel (6.x, kernel.io_uring_disabled 0, no seccomp filter) allows io_uring; where it is
        // refused, the sends go by send(2), which the other half of each test above covers.
        let allowed = (try? String(contentsOfFile: "/proc/sys/kernel/io_uring_disabled", encoding: .utf8))?.trimmingCharacters(
            in: .whitespacesAndNewlines
        )
        try #require(allowed == "0", "io_uring is disabled on this machine")
        #expect(EndOfWakeWrites(throughRing: true).usesRing)
        #expect(!EndOfWakeWrites(throughRing: false).usesRing)
    }

    private static func writes(throughRing: Bool) throws -> EndOfWakeWrites {
        let writes = EndOfWakeWrites(throughRing: throughRing, capacity: 2)  // small: the tests fill it
        try #require(writes.usesRing == throughRing, "io_uring was refused")
        return writes
    }
}

/// A writer that records what each send did.
private final class TestWriter: EndOfWakeWriter {
    let fd: Int32
    var isOpen = true
    var writeQueued = false
    private var bytes: ByteBuffer
    private(set) var results: [Int] = []
    var onWritten: ((TestWriter) -> Void)?

    init(fd: Int32, bytes: String) {
        self.fd = fd
        self.bytes = ByteBuffer(string: bytes)
    }

    var remaining: Int { bytes.readableBytes }
    var bytesToWrite: ByteBuffer? { bytes }

    func append(_ more: String) { bytes.writeString(more) }

    func written(_ result: Int) {
        results.append(result)
        if result > 0 { bytes.moveReaderIndex(forwardBy: result) }
        onWritten?(self)
    }
}

/// A connected pair of non-blocking Unix stream sockets: the writers send on `near`, the test reads `far`.
private final class SocketPair {
    let near: Int32
    private var far: Int32

    init(sendBuffer: Int32? = nil) throws {
        var descriptors: [Int32] = [0, 0]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0, &descriptors) == 0 else {
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        }
        near = descriptors[0]
        far = descriptors[1]
        if var size = sendBuffer { _ = setsockopt(near, SOL_SOCKET, SO_SNDBUF, &size, socklen_t(MemoryLayout<Int32>.size)) }
    }

    deinit {
        Glibc.close(near)
        if far >= 0 { Glibc.close(far) }
    }

    func closeFar() {
        Glibc.close(far)
        far = -1
    }

    /// What `far` holds now.
    func readAvailable() throws -> Data {
        var data = Data()
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = Glibc.read(far, &chunk, chunk.count)
            if count > 0 {
                data.append(contentsOf: chunk[0..<count])
                continue
            }
            if count < 0, errno == EAGAIN { return data }
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        }
    }

    func readAll() throws -> String { String(decoding: try readAvailable(), as: UTF8.self) }
}
#endif
