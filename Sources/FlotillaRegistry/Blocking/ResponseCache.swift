import NIOCore
import Synchronization

/// Rendered JSON answers of the hot reads (`/v1/health/service/{name}?passing`), kept with the
/// index they were rendered at: while the service's index has not moved, the same bytes are
/// served again without rebuilding or re-encoding a hundred entries.
public final class ResponseCache: Sendable {
    private struct Entry {
        var index: UInt64
        var body: ByteBuffer
    }

    private let entries = Mutex<[String: Entry]>([:])
    private let capacity: Int

    /// Creates a cache holding at most `capacity` answers (cleared whole when full).
    public init(capacity: Int = 4096) {
        self.capacity = capacity
    }

    /// The answer cached for `key` at exactly `index`.
    public func body(for key: String, at index: UInt64) -> ByteBuffer? {
        entries.withLock { entries in
            guard let entry = entries[key], entry.index == index else { return nil }
            return entry.body
        }
    }

    /// Keeps `body` as the answer for `key` at `index`.
    public func store(_ body: ByteBuffer, for key: String, at index: UInt64) {
        entries.withLock { entries in
            if entries.count >= capacity, entries[key] == nil { entries.removeAll(keepingCapacity: true) }
            entries[key] = Entry(index: index, body: body)
        }
    }
}
