import Dispatch
import NIOCore
import Synchronization

/// Upstream host names the epoll data plane connects to, resolved off its threads: a name not resolved yet is
/// looked up in the background (getaddrinfo blocks) while that request goes to the NIO plane, which resolves it
/// itself; later requests use the answer, looked up again in the background once it is `lifetime` old (the old
/// answer serves meanwhile; a failed lookup forgets it, so requests go to the NIO plane and its errors).
final class HostAddressCache: Sendable {
    private struct Entry {
        var address: SocketAddress?
        var resolvedAt: NIODeadline
        var resolving: Bool
    }

    private let entries = Mutex<[String: Entry]>([:])
    private let lifetime: TimeAmount

    init(lifetime: TimeAmount = .seconds(10)) { self.lifetime = lifetime }

    /// The address of `host` (with `port`), or nil while it is being resolved or could not be.
    func address(of host: String, port: Int) -> SocketAddress? {
        let now = NIODeadline.now()
        let (known, lookUp) = entries.withLock { entries -> (SocketAddress?, Bool) in
            var entry = entries[host] ?? Entry(address: nil, resolvedAt: .distantPast, resolving: false)
            let lookUp = !entry.resolving && now - entry.resolvedAt >= lifetime
            if lookUp { entry.resolving = true }
            entries[host] = entry
            return (entry.address, lookUp)
        }
        if lookUp {
            DispatchQueue.global().async { [self] in
                let address = try? SocketAddress.makeAddressResolvingHost(host, port: 0)
                entries.withLock { $0[host] = Entry(address: address, resolvedAt: .now(), resolving: false) }
            }
        }
        guard var known else { return nil }
        known.port = port
        return known
    }

    /// A connect to the name's address failed: the name is not answered for `lifetime` (the NIO plane connects).
    func forget(_ host: String) {
        entries.withLock { $0[host] = Entry(address: nil, resolvedAt: .now(), resolving: false) }
    }
}
