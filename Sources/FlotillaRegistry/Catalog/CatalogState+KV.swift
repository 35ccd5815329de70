extension CatalogState {
    /// `PUT /v1/kv/{key}`: stores the value; with `cas`, only when the key's `ModifyIndex` is
    /// `cas` (0: only when the key does not exist). Returns whether it was stored.
    public mutating func put(key: String, value: [UInt8]?, flags: UInt64?, cas: UInt64?) -> (Bool, Changes) {
        let existing = kv[key]
        if let cas, (existing?.modifyIndex ?? 0) != cas { return (false, Changes()) }
        let index = nextIndex()
        kv[key] = KVEntry(
            key: key,
            value: value,
            flags: flags ?? existing?.flags ?? 0,
            createIndex: existing?.createIndex ?? index,
            modifyIndex: index
        )
        kvIndex = index
        return (true, Changes(keys: [key]))
    }

    /// `DELETE /v1/kv/{key}`: removes the key (or every key under the prefix with `recurse`);
    /// with `cas`, only when the key's `ModifyIndex` is `cas`. Returns whether the delete went through.
    public mutating func delete(key: String, recurse: Bool, cas: UInt64?) -> (Bool, Changes) {
        if let cas, !recurse, (kv[key]?.modifyIndex ?? 0) != cas { return (false, Changes()) }
        let doomed = recurse ? kv.keys.filter { $0.hasPrefix(key) } : (kv[key] == nil ? [] : [key])
        guard !doomed.isEmpty else { return (true, Changes()) }
        kvIndex = nextIndex()
        for name in doomed { kv[name] = nil }
        return (true, Changes(keys: Set(doomed)))
    }

    /// The entries under `prefix`, sorted by key.
    public func entries(prefix: String) -> [KVEntry] {
        kv.values.filter { $0.key.hasPrefix(prefix) }.sorted { $0.key < $1.key }
    }

    /// The index a read of `key` reports: the key's `ModifyIndex`, else the store's.
    public func kvIndex(key: String) -> UInt64 {
        kv[key]?.modifyIndex ?? kvIndex
    }
}
