#if canImport(Glibc)
import Glibc
import Synchronization

/// An access phase that had to suspend (a JWKS fetch, a Redis counter) and finished on a task: the outcome, for the
/// client connection `fd` of the loop that started it. `token` tells whether that connection still waits for it
/// (the descriptor may belong to a new connection by then).
struct ResumedAccess: Sendable {
    let fd: Int32
    let token: UInt64
    let plugins: AppliedPlugins
    let response: GatewayPluginResponse?
}

/// Where tasks leave work for one epoll loop: posted from any thread, taken by the loop when its eventfd wakes it.
final class EpollLoopMailbox: Sendable {
    private let items = Mutex<[ResumedAccess]>([])
    private let wakeup: Int32

    init(wakeup: Int32) { self.wakeup = wakeup }

    func post(_ item: ResumedAccess) {
        items.withLock { $0.append(item) }
        var one: UInt64 = 1
        _ = Glibc.write(wakeup, &one, 8)
    }

    /// Everything posted so far (the loop's thread).
    func take() -> [ResumedAccess] {
        items.withLock { items in
            defer { items.removeAll() }
            return items
        }
    }
}
#endif
