#if canImport(Glibc)
import CFlotillaEpoll
import Glibc
import NIOCore
import Synchronization

/// Something registered in an ``EpollLoop``: told when its descriptor is readable (or closed) and writable.
protocol EpollSocket: AnyObject {
    /// `peerClosed`: the event says the peer closed or reset (`EPOLLRDHUP`, `EPOLLHUP`, `EPOLLERR`). Descriptors are
    /// edge-triggered, so that close is reported once, maybe with the last bytes: the socket is read until a read
    /// returns 0 or fails, not only until one comes back short.
    func readable(peerClosed: Bool)
    func writable()
    /// The loop's tick (every 100 ms): deadlines.
    func tick(now: NIODeadline)
    /// Closes the socket now (and what depends on it).
    func closeNow()
}

extension EpollSocket {
    func tick(now: NIODeadline) {}
}

/// One thread of the epoll data plane: its own epoll set, clients, upstream connections (pooled per endpoint),
/// balancer state and request ids. Nothing in it is shared with another thread but the runtime's snapshot, the
/// clusters' thread-safe health state and the metrics behind their lock.
final class EpollLoop {
    let plane: EpollDataPlane.Shared
    let index: Int
    let epoll: Int32
    private let listener: Int32
    let balancer = LoopBalancer()
    let requestIDs = RequestIDGenerator()
    let allocator = ByteBufferAllocator()
    /// The output of this wake, sent when it ends.
    let writes: EndOfWakeWrites
    // Exclusivity is not checked at run time on the tables below: the loop is used by its own thread alone, and no
    // access to one of them starts while another is in progress.
    @exclusivity(unchecked) var snapshots = SnapshotCache()
    var localPort: String { plane.localPort }
    @exclusivity(unchecked) private var sockets: [(any EpollSocket)?] = []
    /// The events each descriptor is watched for (epoll_ctl only when they change).
    @exclusivity(unchecked) private var interests: [UInt32] = []
    @exclusivity(unchecked) private var idle: [String: [EpollUpstream]] = [:]
    private var lastIdleList: (key: String, index: [String: [EpollUpstream]].Index)?
    private var listening = true
    private var acceptPaused = false
    private var lastToken: UInt64 = 0
    private static let maxIdlePerEndpoint = 256
    private static let tickMilliseconds: Int32 = 100

    init(plane: EpollDataPlane.Shared, index: Int) {
        self.plane = plane
        self.index = index
        self.epoll = epoll_create1(Int32(EPOLL_CLOEXEC))
        self.listener = plane.listeners[index]
        self.writes = EndOfWakeWrites(throughRing: plane.options.sendsThroughIOUring)
        plane.reports[index].sendsThroughRing = writes.usesRing
        _ = flotilla_epoll_control(epoll, EPOLL_CTL_ADD, listener, EPOLLIN.rawValue)
        _ = flotilla_epoll_control(epoll, EPOLL_CTL_ADD, plane.wakeups[index], EPOLLIN.rawValue)
    }

    /// The time the loop last woke (read once per wake, as nginx caches its time: requests handled in one wake
    /// share it for their deadlines and latencies).
    private(set) var now = NIODeadline.now()

    /// Runs until the data plane stops, then closes every connection it still has.
    func run() {
        var descriptors = [Int32](repeating: 0, count: 256)
        var masks = [UInt32](repeating: 0, count: 256)
        var lastTick = NIODeadline.now()
        while !plane.isStopping {
            let count = flotilla_epoll_wait(epoll, &descriptors, &masks, 256, Self.tickMilliseconds)
            if count < 0, errno != EINTR { break }
            now = .now()
            for slot in 0..<Int(max(count, 0)) {
                let fd = descriptors[slot]
                let mask = masks[slot]
                if fd == listener {
                    accept()
                    continue
                }
                if fd == plane.wakeups[index] {
                    var value: UInt64 = 0
                    _ = Glibc.read(fd, &value, 8)
                    if plane.acceptsStopped, listening { stopListening() }
                    for resumed in plane.mailboxes[index].take() {
                        (socket(resumed.fd) as? EpollClient)?.accessResumed(resumed)
                    }
                    continue
                }
                guard let socket = socket(fd) else { continue }
                let closing = mask & (EPOLLHUP.rawValue | EPOLLERR.rawValue | EPOLLRDHUP.rawValue)
                if mask & EPOLLIN.rawValue != 0 || closing != 0 { socket.readable(peerClosed: closing != 0) }
                if mask & EPOLLOUT.rawValue != 0, let again = self.socket(fd), again === socket { socket.writable() }
            }
            if now - lastTick >= .milliseconds(Int64(Self.tickMilliseconds)) {
                lastTick = now
                if plane.acceptsStopped, listening { stopListening() }
                if acceptPaused, listening {
                    acceptPaused = false
                    _ = flotilla_epoll_control(epoll, EPOLL_CTL_ADD, listener, EPOLLIN.rawValue)
                }
                for socket in sockets { socket?.tick(now: now) }
                plane.reports[index].idleConnections = idleCounts
            }
            writes.sendAll()
        }
        for case let socket? in sockets { socket.closeNow() }
        Glibc.close(epoll)
    }

    private func stopListening() {
        listening = false
        if !acceptPaused { _ = flotilla_epoll_control(epoll, EPOLL_CTL_DEL, listener, 0) }
    }

    private func accept() {
        for _ in 0..<64 {
            let fd = flotilla_accept(listener)
            if fd < 0 {
                switch errno {
                case EINVAL:
                    stopListening()
                case EMFILE, ENFILE, ENOBUFS, ENOMEM:
                    // Out of descriptors or memory: stop accepting until the next tick instead of spinning on a
                    // listener that stays readable.
                    acceptPaused = true
                    _ = flotilla_epoll_control(epoll, EPOLL_CTL_DEL, listener, 0)
                default:
                    break
                }
                return
            }
            var one: Int32 = 1
            _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            let client = EpollClient(loop: self, fd: fd, clientAddress: SocketAddress.of(fd, peer: true)?.ipAddress ?? "")
            register(fd, client, events: EPOLLIN.rawValue | EPOLLRDHUP.rawValue)
        }
    }

    /// A number no earlier call on this loop returned (matches a suspended access phase to its connection).
    func makeToken() -> UInt64 {
        lastToken &+= 1
        return lastToken
    }

    // MARK: The socket table

    func socket(_ fd: Int32) -> (any EpollSocket)? {
        Int(fd) < sockets.count ? sockets[Int(fd)] : nil
    }

    /// Watches a client or upstream connection, edge-triggered (as nginx does): epoll reports a descriptor when
    /// something new happens on it, not on every wait while it stays ready, which spares the kernel a poll of every
    /// socket handled in the last wake. So a socket's owner reads until a read comes back short, or stops watching
    /// for input (``watch(_:events:)`` without `EPOLLIN`): watching again re-arms the descriptor, and epoll then
    /// reports what is already waiting.
    func register(_ fd: Int32, _ socket: any EpollSocket, events: UInt32) {
        let slot = Int(fd)
        if slot >= sockets.count {
            sockets.append(contentsOf: repeatElement(nil, count: slot + 1 - sockets.count))
            interests.append(contentsOf: repeatElement(0, count: slot + 1 - interests.count))
        }
        sockets[slot] = socket
        interests[slot] = events
        _ = flotilla_epoll_control(epoll, EPOLL_CTL_ADD, fd, events | EPOLLET.rawValue)
    }

    func watch(_ fd: Int32, events: UInt32) {
        let slot = Int(fd)
        guard slot < interests.count, interests[slot] != events else { return }
        interests[slot] = events
        _ = flotilla_epoll_control(epoll, EPOLL_CTL_MOD, fd, events | EPOLLET.rawValue)
    }

    /// Forgets `fd` (leaves the epoll set); the caller closes it or hands it on.
    func forget(_ fd: Int32) {
        _ = flotilla_epoll_control(epoll, EPOLL_CTL_DEL, fd, 0)
        if Int(fd) < sockets.count { sockets[Int(fd)] = nil }
    }

    // MARK: Upstream connections

    /// An idle connection to the endpoint keyed `key`, or a new one (connecting); nil when a host name is not
    /// resolved yet (``HostAddressCache``) or the socket could not be made.
    func upstream(key: String, host: String, port: Int) -> EpollUpstream? {
        while let connection = withIdleList(of: key, { $0.popLast() }) {
            if connection.isOpen {
                connection.reused = true
                return connection
            }
        }
        return newUpstream(key: key, host: host, port: port)
    }

    /// Runs `body` on the idle list of `key`. The list last used is found without hashing its key again: keys are
    /// never removed from `idle`, so its index stays valid until a key is added.
    private func withIdleList<Result>(of key: String, _ body: (inout [EpollUpstream]) -> Result) -> Result {
        if let last = lastIdleList, last.key == key { return body(&idle.values[last.index]) }
        if idle[key] == nil { idle[key] = [] }
        let index = idle.index(forKey: key)!
        lastIdleList = (key, index)
        return body(&idle.values[index])
    }

    /// A new connection (connecting) to `host:port`, never an idle one.
    func newUpstream(key: String, host: String, port: Int) -> EpollUpstream? {
        guard let address = (try? SocketAddress(ipAddress: host, port: port)) ?? plane.hostAddresses.address(of: host, port: port) else {
            return nil
        }
        return EpollUpstream.connect(loop: self, key: key, address: address)
    }

    func release(_ connection: EpollUpstream) {
        guard connection.isOpen else { return }
        let pooled = withIdleList(of: connection.key) { list in
            guard list.count < Self.maxIdlePerEndpoint else { return false }
            list.append(connection)
            return true
        }
        if !pooled { connection.closeNow() }
    }

    /// A pooled connection closed: it leaves the idle list.
    func closed(_ connection: EpollUpstream) {
        idle[connection.key]?.removeAll { $0 === connection }
    }

    var idleCounts: [String: Int] { idle.filter { !$0.value.isEmpty }.mapValues(\.count) }

    // MARK: Handing a client to NIO

    /// Gives the client connection to the NIO data plane, with the bytes read from it and not yet answered.
    /// `plugins` is the access phase already run for the first unread request, if it was.
    func handOff(fd: Int32, unread: ByteBuffer, plugins: AppliedPlugins?) {
        forget(fd)
        plane.handOffs.add(1, ordering: .relaxed)
        plane.handOff(fd, unread, plugins)
    }

    func recordCompletion(route: String, service: String, status: Int, since start: NIODeadline) {
        plane.reports[index].record(route: route, service: service, status: status, since: start, now: now)
    }
}
#endif
