import Foundation

/// One row to write or delete: an instance, a check or a key, stored as JSON.
public struct RegistryRecord: Sendable, Equatable {
    /// The table a record lives in.
    public enum Table: String, Sendable, CaseIterable {
        case services = "registry_services"
        case checks = "registry_checks"
        case kv = "registry_kv"
    }

    /// Where the record goes.
    public var table: Table
    /// Its ID or key.
    public var id: String
    /// Its JSON; `nil` deletes the row.
    public var body: String?

    /// The records that persist `changes` as they stand in `state`.
    static func records(for changes: CatalogState.Changes, in state: CatalogState) -> [RegistryRecord] {
        let encoder = JSONEncoder()
        func json(_ value: some Encodable) -> String? {
            (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) }
        }
        var records: [RegistryRecord] = []
        for id in changes.services.sorted() {
            records.append(.init(table: .services, id: id, body: state.services[id].flatMap { json($0) }))
        }
        for id in changes.checks.sorted() {
            records.append(.init(table: .checks, id: id, body: state.checks[id].flatMap { json($0) }))
        }
        for key in changes.keys.sorted() {
            records.append(.init(table: .kv, id: key, body: state.kv[key].flatMap { json($0) }))
        }
        return records
    }
}
