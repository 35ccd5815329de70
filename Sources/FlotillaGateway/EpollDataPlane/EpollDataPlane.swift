#if canImport(Glibc)
import CFlotillaEpoll
import Foundation
import Glibc
import NIOCore
import NIOPosix
import Synchronization

/// The gateway's fast data plane: one thread per core, each with its own epoll set, proxying plain requests
/// (``PlainRequestHead``) on plain routes with no SwiftNIO channel pipeline in the way. It owns the listening
/// socket; every connection it does not proxy itself (plugins, bodies, upgrades, anything unusual, any failure
/// before a response) it hands, with the bytes already read, to the NIO data plane (``GatewayServer``), which then
/// owns that connection for good.
final class EpollDataPlane: Sendable {
    /// What the loops share: all of it immutable or thread-safe.
    final class Shared: Sendable {
        let runtime: GatewayRuntime
        let options: GatewayServerOptions
        /// One listening socket per loop, all bound to the same address (SO_REUSEPORT: the kernel spreads new
        /// connections evenly over the loops).
        let listeners: [Int32]
        let localPort: String
        /// One eventfd per loop, to wake it (stop, stop accepting).
        let wakeups: [Int32]
        let reports: [EpollLoopReport]
        /// One mailbox per loop, for access phases that finished on a task.
        let mailboxes: [EpollLoopMailbox]
        let handOff: @Sendable (Int32, ByteBuffer, AppliedPlugins?) -> Void
        let hostAddresses = HostAddressCache()
        /// Connections handed to the NIO plane so far.
        let handOffs = Atomic<Int>(0)
        private let stopping = Atomic<Bool>(false)
        private let acceptStop = Atomic<Bool>(false)

        init(
            runtime: GatewayRuntime,
            options: GatewayServerOptions,
            listeners: [Int32],
            localPort: Int,
            threads: Int,
            handOff: @escaping @Sendable (Int32, ByteBuffer, AppliedPlugins?) -> Void
        ) {
            self.runtime = runtime
            self.options = options
            self.listeners = listeners
            self.localPort = String(localPort)
            let wakeups = (0..<threads).map { _ in eventfd(0, Int32(EFD_CLOEXEC | EFD_NONBLOCK)) }
            self.wakeups = wakeups
            self.reports = (0..<threads).map { _ in EpollLoopReport() }
            self.mailboxes = wakeups.map { EpollLoopMailbox(wakeup: $0) }
            self.handOff = handOff
        }

        var isStopping: Bool { stopping.load(ordering: .relaxed) }
        var acceptsStopped: Bool { acceptStop.load(ordering: .relaxed) }

        func stop() {
            stopping.store(true, ordering: .relaxed)
            wakeAll()
        }

        func stopAccepting() {
            acceptStop.store(true, ordering: .relaxed)
            wakeAll()
        }

        private func wakeAll() {
            for fd in wakeups {
                var one: UInt64 = 1
                _ = Glibc.write(fd, &one, 8)
            }
        }
    }

    let shared: Shared
    let localAddress: SocketAddress
    private let finished: DispatchGroup

    private init(shared: Shared, localAddress: SocketAddress, finished: DispatchGroup) {
        self.shared = shared
        self.localAddress = localAddress
        self.finished = finished
    }

    /// Binds `host:port` and starts `threads` loops.
    static func start(
        runtime: GatewayRuntime,
        options: GatewayServerOptions,
        threads: Int,
        handOff: @escaping @Sendable (Int32, ByteBuffer, AppliedPlugins?) -> Void
    ) throws -> EpollDataPlane {
        var listeners: [Int32] = []
        var address = try SocketAddress.makeAddressResolvingHost(options.host, port: options.port)
        if options.port != 0 {
            // SO_REUSEPORT would let these sockets share the port with another process's; a bind without it
            // first fails, as NIO's does, when anyone listens there already.
            let (probe, _) = try Self.listen(address: address, sharingPort: false)
            Glibc.close(probe)
        }
        do {
            for _ in 0..<threads {
                let (listener, bound) = try Self.listen(address: address)
                listeners.append(listener)
                address = bound  // the others take the port the first one got (when asked for port 0)
            }
        } catch {
            for listener in listeners { Glibc.close(listener) }
            throw error
        }
        let shared = Shared(
            runtime: runtime,
            options: options,
            listeners: listeners,
            localPort: address.port ?? 0,
            threads: threads,
            handOff: handOff
        )
        let finished = DispatchGroup()
        for index in 0..<threads {
            finished.enter()
            let thread = Thread {
                // Named from inside the thread (Foundation's `Thread.name`, set from outside, never reached the
                // kernel on Linux), so `top -H` and `perf` show which loop is which.
                flotilla_name_current_thread("flotilla-io-\(index)")
                EpollLoop(plane: shared, index: index).run()
                finished.leave()
            }
            thread.start()
        }
        return EpollDataPlane(shared: shared, localAddress: address, finished: finished)
    }

    /// Stops accepting connections (those open go on).
    func closeListener() {
        shared.stopAccepting()
        for listener in shared.listeners { _ = Glibc.shutdown(listener, Int32(SHUT_RDWR)) }
    }

    /// Stops every loop (open connections close) and waits for them.
    func stop() async {
        closeListener()
        shared.stop()
        await withCheckedContinuation { continuation in
            finished.notify(queue: .global()) { continuation.resume() }
        }
        for listener in shared.listeners { Glibc.close(listener) }
        for fd in shared.wakeups { Glibc.close(fd) }
    }

    /// Request counters and latency histograms of all loops.
    var metrics: MetricsSnapshot {
        var total = MetricsSnapshot()
        for report in shared.reports { total.add(report.snapshot) }
        return total
    }

    /// Requests whose plugins ran on their bytes (``WireAccessPlugin``), summed over the loops.
    var requestsWithAccessOnBytes: Int { shared.reports.reduce(0) { $0 + $1.requestsWithAccessOnBytes } }

    /// How the loops send: "io_uring" when every one does through its ring, else "send" (see ``EndOfWakeWrites``).
    var sends: String { shared.reports.allSatisfy(\.sendsThroughRing) ? "io_uring" : "send" }

    /// Idle upstream connections per endpoint, summed over the loops (as of their last tick).
    var idleConnections: [String: Int] {
        var total: [String: Int] = [:]
        for report in shared.reports { total.merge(report.idleConnections, uniquingKeysWith: +) }
        return total
    }

    private static func listen(address: SocketAddress, sharingPort: Bool = true) throws -> (Int32, SocketAddress) {
        let family = address.protocol == .inet6 ? AF_INET6 : AF_INET
        let fd = Glibc.socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw EpollError("socket", errno) }
        var one: Int32 = 1
        _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        if sharingPort { _ = setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, socklen_t(MemoryLayout<Int32>.size)) }
        let result = address.withSockAddr { pointer, size in Glibc.bind(fd, pointer, socklen_t(size)) }
        guard result == 0 else {
            let code = errno
            Glibc.close(fd)
            throw EpollError("bind \(address)", code)
        }
        guard Glibc.listen(fd, 1024) == 0 else {
            let code = errno
            Glibc.close(fd)
            throw EpollError("listen", code)
        }
        let boundPort = SocketAddress.of(fd, peer: false)?.port ?? address.port ?? 0
        var bound = address
        bound.port = boundPort
        return (fd, bound)
    }
}

/// What one epoll loop tells the admin API, behind locks: its metrics (recorded per request; an uncontended lock
/// costs tens of nanoseconds) and its idle upstream connections (copied on the loop's tick).
final class EpollLoopReport: Sendable {
    private let metrics = Mutex(LoopMetrics())
    private let idle = Mutex<[String: Int]>([:])
    private let accessesOnBytes = Atomic<Int>(0)
    private let ring = Atomic<Bool>(false)

    /// Whether the loop sends through io_uring (set once, as it starts).
    var sendsThroughRing: Bool {
        get { ring.load(ordering: .relaxed) }
        set { ring.store(newValue, ordering: .relaxed) }
    }

    /// A request whose plugins ran on its bytes (``WireAccessPlugin``).
    func countAccessOnBytes() { accessesOnBytes.add(1, ordering: .relaxed) }

    /// Requests whose plugins ran on their bytes.
    var requestsWithAccessOnBytes: Int { accessesOnBytes.load(ordering: .relaxed) }

    func record(route: String, service: String, status: Int, since start: NIODeadline, now: NIODeadline) {
        metrics.withLock { $0.record(route: route, service: service, status: status, since: start, now: now) }
    }

    var snapshot: MetricsSnapshot { metrics.withLock { $0.snapshot } }

    var idleConnections: [String: Int] {
        get { idle.withLock { $0 } }
        set { idle.withLock { $0 = newValue } }
    }
}

/// A system call of the epoll data plane failed.
struct EpollError: Error, CustomStringConvertible {
    let description: String
    init(_ call: String, _ code: Int32) { description = "\(call): \(String(cString: strerror(code)))" }
}
#endif
