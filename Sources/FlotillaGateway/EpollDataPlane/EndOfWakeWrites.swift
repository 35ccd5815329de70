#if canImport(Glibc)
import CFlotillaEpoll
import Glibc
import NIOCore

/// A socket whose output its loop sends when the wake that made it ends (``EndOfWakeWrites``).
protocol EndOfWakeWriter: AnyObject {
    var fd: Int32 { get }
    var isOpen: Bool { get }
    /// Set while the writer waits in the loop's queue (so it is queued once).
    var writeQueued: Bool { get set }
    /// What to send now; nil or empty for nothing.
    var bytesToWrite: ByteBuffer? { get }
    /// What the send did: the count of bytes sent, or -errno (`-EAGAIN`: the socket is full).
    func written(_ result: Int)
}

/// The output a loop's connections make during one wake (one `epoll_wait`'s events), sent when the wake ends: with
/// io_uring, in one system call for all of them, else a send(2) each. Neither raises SIGPIPE.
///
/// A send that wakes a reader (wrk, the upstream) lets the scheduler switch to it as the call returns, in the
/// middle of the loop's batch; on a machine where the gateway shares cores with them, that is most of the gateway's
/// context switches. One call for every send switches once per wake, and each reader wakes to all its input at once.
/// Each connection's bytes of one wake also leave in one send (pipelined answers coalesce).
final class EndOfWakeWrites {
    private var ring: OpaquePointer?
    private var waiting: [any EndOfWakeWriter] = []
    private var sending: [any EndOfWakeWriter] = []
    private var results: [Int?] = []
    private var storages: [Unmanaged<AnyObject>] = []
    /// The writers (by index in `sending`) whose sends are in the ring.
    private var inRing: [Int] = []
    private let capacity: UInt32

    /// `throughRing`: try io_uring (the caller's thread is the only one that may send through it).
    init(throughRing: Bool, capacity: UInt32 = 256) {
        self.capacity = capacity
        if throughRing { ring = flotilla_send_ring_create(capacity) }
    }

    deinit { flotilla_send_ring_destroy(ring) }

    /// Whether sends go through io_uring (false: the kernel refused it, or it was not asked for).
    var usesRing: Bool { ring != nil }

    /// Queues `writer`'s output for the end of the wake.
    func add(_ writer: any EndOfWakeWriter) {
        guard !writer.writeQueued else { return }
        writer.writeQueued = true
        waiting.append(writer)
    }

    /// Sends everything queued, then tells each writer what was sent. Writers that queue again meanwhile (the next
    /// pipelined answer, a retry on a new connection) are sent in another round.
    func sendAll() {
        while !waiting.isEmpty {
            swap(&waiting, &sending)
            results.removeAll(keepingCapacity: true)
            results.append(contentsOf: repeatElement(nil, count: sending.count))
            if ring != nil { sendThroughRing() }
            sendEach()  // what the ring did not take (all of it without a ring)
            // Every writer can be queued again before any is told: one's callback may give another more to send.
            for writer in sending { writer.writeQueued = false }
            for (index, writer) in sending.enumerated() {
                if let result = results[index], writer.isOpen { writer.written(result) }
            }
            sending.removeAll(keepingCapacity: true)
        }
    }

    /// send(2) for each writer the ring did not send (every writer, without a ring).
    private func sendEach() {
        for (index, writer) in sending.enumerated() where results[index] == nil {
            guard writer.isOpen, let bytes = writer.bytesToWrite, bytes.readableBytes > 0 else { continue }
            var sent: Int
            repeat {
                sent = bytes.withUnsafeReadableBytes { Glibc.send(writer.fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            } while sent < 0 && errno == EINTR
            results[index] = sent < 0 ? -Int(errno) : sent
        }
    }

    private func sendThroughRing() {
        guard let ring else { return }
        var queued = 0
        for (index, writer) in sending.enumerated() {
            guard writer.isOpen, let bytes = writer.bytesToWrite, bytes.readableBytes > 0 else { continue }
            if queued == Int(capacity) {
                guard submit(ring) else { return }
                queued = 0
            }
            // The storage is retained until the send completed: the pointer stays valid even if the writer's
            // buffer changed meanwhile (it would copy), and nothing runs before `submit` reaps every completion.
            let inQueue = bytes.withUnsafeReadableBytesWithStorageManagement { pointer, storage in
                guard flotilla_send_ring_queue(ring, writer.fd, pointer.baseAddress, UInt32(pointer.count), UInt64(index)) == 0 else {
                    return false  // not expected (`capacity` bounds the queue); `sendEach` sends it
                }
                storages.append(storage.retain())
                inRing.append(index)
                return true
            }
            if inQueue { queued += 1 }
        }
        if queued > 0 { _ = submit(ring) }
    }

    /// Submits what is queued and takes every completion. On a failure of the ring itself (not of a send), the
    /// ring is given up: a writer whose send it held but did not report gets `-EIO` (whether its bytes left is not
    /// known, so its connection closes rather than send them twice), and the writers not queued yet go by send(2).
    private func submit(_ ring: OpaquePointer) -> Bool {
        let submitted = flotilla_send_ring_submit(ring)
        var tag: UInt64 = 0
        var result: Int32 = 0
        while flotilla_send_ring_next(ring, &tag, &result) == 1 {
            results[Int(tag)] = Int(result)
        }
        for storage in storages { storage.release() }
        storages.removeAll(keepingCapacity: true)
        defer { inRing.removeAll(keepingCapacity: true) }
        guard submitted >= 0 else {
            for index in inRing where results[index] == nil { results[index] = -Int(EIO) }
            flotilla_send_ring_destroy(ring)
            self.ring = nil
            return false
        }
        return true
    }
}
#endif
