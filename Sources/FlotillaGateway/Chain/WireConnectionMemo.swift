#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What the plugins that run on bytes remember from a connection's earlier requests: a client on a kept-alive
/// connection presents the same credential, and is counted under the same key, request after request. Looking it up
/// here is a comparison of bytes, where the plugin's own table costs a `String`, a hash and a lock.
///
/// Every entry is tagged with the object it came from (a jwt plugin's token cache, a key-auth plugin's credentials, a
/// rate-limiting plugin's limiter), so a reload's new plugins, or another route's, never read an older one's. The tag
/// is a weak reference: a connection that outlives a reload does not keep the old plugins' tables alive, and an old
/// entry never matches an object made later at the same address. The memo only saves a lookup: each plugin still
/// checks what it finds (a token's lifetime and claims).
/// A class used on its connection's loop thread alone, or by one test at a time.
final class WireConnectionMemo {
    private struct Credential {
        weak var source: AnyObject?
        let bytes: [UInt8]
        let value: AnyObject
    }

    private struct CounterKey {
        weak var source: AnyObject?
        let route: String?
        let service: String?
        let identifier: String
        let key: String
    }

    /// A connection's requests rarely carry more than a credential or two; a new one replaces the oldest.
    private static let capacity = 2
    private var credentials: [Credential] = []
    private var counterKeys: [CounterKey] = []

    init() {}

    /// What `source` remembered for a credential with exactly these bytes, if it is a `Value`.
    func value<Value: AnyObject>(from source: AnyObject, for bytes: UnsafeRawBufferPointer, as _: Value.Type = Value.self) -> Value? {
        // By index: a `for` over the entries would copy, and retain, each one.
        for index in credentials.indices where credentials[index].source === source && Self.equal(credentials[index].bytes, bytes) {
            return credentials[index].value as? Value
        }
        return nil
    }

    /// Remembers `value` for the credential `bytes`, from `source`.
    func remember(_ value: AnyObject, from source: AnyObject, for bytes: UnsafeRawBufferPointer) {
        credentials.removeAll { $0.source == nil || ($0.source === source && Self.equal($0.bytes, bytes)) }
        if credentials.count >= Self.capacity { credentials.removeFirst() }
        credentials.append(Credential(source: source, bytes: Array(bytes), value: value))
    }

    /// The counter key `source` made for this route, service and identifier, made by `make` the first time.
    func counterKey(from source: AnyObject, route: String?, service: String?, identifier: String, make: () -> String) -> String {
        for index in counterKeys.indices
        where counterKeys[index].source === source && counterKeys[index].identifier == identifier
            && counterKeys[index].route == route && counterKeys[index].service == service
        {
            return counterKeys[index].key
        }
        let key = make()
        counterKeys.removeAll { $0.source == nil }
        if counterKeys.count >= Self.capacity { counterKeys.removeFirst() }
        counterKeys.append(CounterKey(source: source, route: route, service: service, identifier: identifier, key: key))
        return key
    }

    private static func equal(_ remembered: [UInt8], _ bytes: UnsafeRawBufferPointer) -> Bool {
        guard remembered.count == bytes.count else { return false }
        guard let base = bytes.baseAddress, !remembered.isEmpty else { return true }
        return remembered.withUnsafeBytes { memcmp($0.baseAddress!, base, bytes.count) == 0 }
    }
}
