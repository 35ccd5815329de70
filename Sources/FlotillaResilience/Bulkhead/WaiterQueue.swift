/// A FIFO of suspended bulkhead waiters that also supports removal by id (for cancellation).
struct WaiterQueue {
    struct Waiter {
        var id: UInt64
        var continuation: CheckedContinuation<Void, any Error>
    }

    private var storage: [Waiter] = []
    private var head = 0

    var count: Int { storage.count - head }
    var isEmpty: Bool { count == 0 }

    mutating func append(_ waiter: Waiter) {
        storage.append(waiter)
    }

    mutating func popFirst() -> Waiter? {
        guard head < storage.count else { return nil }
        let waiter = storage[head]
        head += 1
        if head > 32, head * 2 > storage.count {
            storage.removeFirst(head)
            head = 0
        }
        return waiter
    }

    mutating func remove(id: UInt64) -> Waiter? {
        guard let index = storage[head...].firstIndex(where: { $0.id == id }) else { return nil }
        return storage.remove(at: index)
    }
}
