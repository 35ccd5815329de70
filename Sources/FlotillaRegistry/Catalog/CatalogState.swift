import Foundation

/// The registry's whole state as a value: instances, checks and KV, with a Raft-like index that
/// increases with every change.
///
/// Mutations (in `CatalogState+Mutations.swift`) validate first and then apply everything, so a
/// rejected request leaves the state as it was; each returns a ``Changes`` naming what it touched,
/// which drives persistence and the blocking-query wake-ups.
public struct CatalogState: Sendable {
    /// The index of the last change (never 0).
    public internal(set) var index: UInt64 = 1
    /// Instances by ID.
    public internal(set) var services: [String: ServiceInstance] = [:]
    /// Checks by ID.
    public internal(set) var checks: [String: HealthCheck] = [:]
    /// Keys and values.
    public internal(set) var kv: [String: KVEntry] = [:]
    /// Instance IDs by service name.
    var instancesByName: [String: Set<String>] = [:]
    /// Check IDs by instance ID, in registration order.
    var checksByService: [String: [String]] = [:]
    /// The index of the last change to each service name (kept after the last instance goes).
    var nameIndex: [String: UInt64] = [:]
    /// The index of the last change to any instance or check.
    public internal(set) var catalogIndex: UInt64 = 1
    /// The index of the last change to any key.
    public internal(set) var kvIndex: UInt64 = 1
    /// No check needs the health checker before this time; `nil` means look now.
    var nextSweepAt: Date?

    /// An empty registry.
    public init() {}

    /// What a mutation touched.
    public struct Changes: Sendable, Equatable {
        /// Instance IDs added, changed or removed.
        public var services: Set<String> = []
        /// Check IDs added, changed or removed.
        public var checks: Set<String> = []
        /// Keys added, changed or removed.
        public var keys: Set<String> = []
        /// Service names whose instances or checks changed.
        public var names: Set<String> = []

        /// Whether nothing changed.
        public var isEmpty: Bool { services.isEmpty && checks.isEmpty && keys.isEmpty }
    }

    /// Starts a new index for a change and returns it.
    mutating func nextIndex() -> UInt64 {
        index += 1
        return index
    }

    /// Records that `names` changed at `index`.
    mutating func touchNames(_ names: Set<String>, at index: UInt64) {
        for name in names { nameIndex[name] = index }
        catalogIndex = index
    }

    /// Rebuilds the lookup tables from `services` and `checks` (after loading from disk).
    mutating func reindex() {
        instancesByName = [:]
        checksByService = [:]
        for service in services.values {
            instancesByName[service.name, default: []].insert(service.id)
            nameIndex[service.name] = max(nameIndex[service.name] ?? 0, service.modifyIndex)
        }
        for check in checks.values.sorted(by: { ($0.createIndex, $0.id) < ($1.createIndex, $1.id) }) {
            checksByService[check.serviceID, default: []].append(check.id)
            nameIndex[check.serviceName] = max(nameIndex[check.serviceName] ?? 0, check.modifyIndex)
        }
        let newest = (services.values.map(\.modifyIndex) + checks.values.map(\.modifyIndex) + kv.values.map(\.modifyIndex)).max() ?? 1
        index = max(index, newest, 1)
        catalogIndex = max(catalogIndex, (services.values.map(\.modifyIndex) + checks.values.map(\.modifyIndex)).max() ?? 1)
        kvIndex = max(kvIndex, kv.values.map(\.modifyIndex).max() ?? 1)
    }

    /// Loads a state from stored records.
    public init(services: [ServiceInstance], checks: [HealthCheck], kv: [KVEntry], index: UInt64) {
        for service in services { self.services[service.id] = service }
        for check in checks where self.services[check.serviceID] != nil { self.checks[check.id] = check }
        for entry in kv { self.kv[entry.key] = entry }
        self.index = max(index, 1)
        self.catalogIndex = self.index
        self.kvIndex = self.index
        reindex()
    }
}
