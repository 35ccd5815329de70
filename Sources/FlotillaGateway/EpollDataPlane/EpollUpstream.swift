#if canImport(Glibc)
import CFlotillaEpoll
import Glibc
import NIOCore

/// A connection from the epoll data plane to an upstream: connects without blocking, writes a request head, frames
/// the response with ``UpstreamResponseFramer`` and hands its parts to the client it serves; kept alive in its
/// loop's pool between requests.
final class EpollUpstream: EpollSocket, EndOfWakeWriter {
    /// Strong: the loop's socket table and idle list let go of the connection when it closes.
    let loop: EpollLoop
    let fd: Int32
    let key: String
    private(set) var isOpen = true
    private(set) var isConnecting: Bool
    /// The client this connection serves; nil while idle. Strong (a weak reference cost a side-table load per
    /// event): every end of an exchange sets it back to nil (`upstreamEnd`, `failBeforeResponse`, a stale retry,
    /// ``closeNow()``), and so does every path where the client closes or gives up the attempt, which closes this
    /// connection.
    var client: EpollClient?
    var reused = false
    // Exclusivity is not checked at run time on the buffers below (it cost about 4 % of the CPU per request): the
    // object is used by its loop's thread alone, and no access to one of them starts while another is in progress.
    @exclusivity(unchecked) private var framer: UpstreamResponseFramer
    @exclusivity(unchecked) private var unsent: ByteBuffer?
    private var readsPaused = false
    @exclusivity(unchecked) private var inbound: ByteBuffer
    var writeQueued = false

    private init(loop: EpollLoop, fd: Int32, key: String, connecting: Bool) {
        self.loop = loop
        self.fd = fd
        self.key = key
        self.isConnecting = connecting
        self.framer = UpstreamResponseFramer(allocator: loop.allocator)
        self.inbound = loop.allocator.buffer(capacity: 0)
    }

    /// Starts a non-blocking connect; nil when it failed at once.
    static func connect(loop: EpollLoop, key: String, address: SocketAddress) -> EpollUpstream? {
        let family = address.protocol == .inet6 ? AF_INET6 : AF_INET
        let fd = Glibc.socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return nil }
        var one: Int32 = 1
        _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        let result = address.withSockAddr { pointer, size in Glibc.connect(fd, pointer, socklen_t(size)) }
        guard result == 0 || errno == EINPROGRESS else {
            Glibc.close(fd)
            return nil
        }
        let connection = EpollUpstream(loop: loop, fd: fd, key: key, connecting: result != 0)
        loop.register(fd, connection, events: result != 0 ? EPOLLOUT.rawValue : EPOLLIN.rawValue | EPOLLRDHUP.rawValue)
        return connection
    }

    /// Sends a request head (the request has no body); its response is framed next.
    func send(_ request: ByteBuffer, isHEAD: Bool) {
        framer.expectResponse(toHead: isHEAD, decodeChunks: false)
        unsent = request
        if !isConnecting { writeUnsent() }
    }

    /// Sends the request when the loop's wake ends.
    private func writeUnsent() {
        if unsent != nil { loop.writes.add(self) }
    }

    var bytesToWrite: ByteBuffer? { unsent }

    func written(_ result: Int) {
        guard var pending = unsent else { return }
        if result < 0 {
            if result == -Int(EAGAIN) || result == -Int(EINTR) {
                loop.watch(fd, events: EPOLLIN.rawValue | EPOLLOUT.rawValue | EPOLLRDHUP.rawValue)
                return
            }
            failed()
            return
        }
        pending.moveReaderIndex(forwardBy: result)
        if pending.readableBytes == 0 {
            unsent = nil
            loop.watch(fd, events: readsPaused ? 0 : EPOLLIN.rawValue | EPOLLRDHUP.rawValue)
        } else {
            unsent = pending
            loop.watch(fd, events: EPOLLIN.rawValue | EPOLLOUT.rawValue | EPOLLRDHUP.rawValue)
        }
    }

    func writable() {
        if isConnecting {
            var error: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            _ = getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length)
            guard error == 0 else {
                let client = self.client
                closeNow()
                client?.upstreamConnectFailed()
                return
            }
            isConnecting = false
            loop.watch(fd, events: EPOLLIN.rawValue | EPOLLRDHUP.rawValue)
            client?.upstreamConnected()
        }
        writeUnsent()
    }

    /// Reads until the socket is empty (its descriptor is edge-triggered) or reads pause (the client is not taking
    /// the response as fast), handing the response's parts to the client.
    func readable(peerClosed: Bool) {
        if isConnecting {
            writable()
            return
        }
        while isOpen {
            inbound.clear()
            let (result, filledRoom) = inbound.read(from: fd, reserving: 16384)
            if result <= 0 {
                if result < 0, errno == EINTR { continue }
                if result < 0, errno == EAGAIN { return }
                upstreamClosed()
                return
            }
            guard let client else {
                // Bytes on an idle connection: not HTTP this proxy asked for.
                closeNow()
                return
            }
            do {
                while let event = try framer.next(&inbound) {
                    switch consume event {
                    case .head(var head): client.upstreamHead(&head)
                    case .body(let part): client.upstreamBody(part)
                    case .end:
                        // Reused only when the socket is known to be empty and open: bytes after a response are not
                        // HTTP this proxy asked for, and on an edge-triggered descriptor nothing would report them
                        // (or the close) again.
                        let reusable = inbound.readableBytes == 0 && !filledRoom && !peerClosed
                        self.client = nil
                        client.upstreamEnd(reusable: reusable)
                        if !reusable { closeNow() }
                        client.flush()
                        return
                    }
                    if self.client == nil { return }
                }
            } catch {
                self.client = nil
                closeNow()
                client.upstreamInvalid(String(describing: error))
                return
            }
            client.flush()
            guard filledRoom || peerClosed, !readsPaused, self.client != nil else { return }
        }
    }

    private func upstreamClosed() {
        let client = self.client
        self.client = nil
        let endedByClose = framer.connectionClosed() != nil
        closeNow()
        guard let client else { return }
        if endedByClose {
            client.upstreamEnd(reusable: false)
            client.flush()
        } else {
            client.upstreamReset()
        }
    }

    private func failed() {
        let client = self.client
        self.client = nil
        closeNow()
        client?.upstreamReset()
    }

    func pauseReads() {
        guard !readsPaused, isOpen else { return }
        readsPaused = true
        loop.watch(fd, events: unsent == nil ? 0 : EPOLLOUT.rawValue)
    }

    func resumeReads() {
        guard readsPaused, isOpen else { return }
        readsPaused = false
        loop.watch(fd, events: EPOLLIN.rawValue | EPOLLRDHUP.rawValue | (unsent == nil ? 0 : EPOLLOUT.rawValue))
    }

    func closeNow() {
        guard isOpen else { return }
        isOpen = false
        client = nil
        loop.forget(fd)
        loop.closed(self)
        Glibc.close(fd)
    }
}
#endif
