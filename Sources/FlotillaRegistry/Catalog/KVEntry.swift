/// One key in the KV store.
public struct KVEntry: Sendable, Equatable, Codable {
    /// The key (no leading slash).
    public var key: String
    /// The raw value; `nil` when stored without a body.
    public var value: [UInt8]?
    /// The client's opaque flags.
    public var flags: UInt64
    /// The index that created the key.
    public var createIndex: UInt64
    /// The index that last changed it.
    public var modifyIndex: UInt64
}
