import FlotillaCore
import FlotillaStore
import FlotillaTesting
import Foundation
import Logging

/// The engines every store test runs on.
enum Engine: String, CaseIterable, CustomStringConvertible, Sendable {
    case sqlite, postgres
    var description: String { rawValue }

    /// A new, empty database on this engine.
    func freshLocation() throws -> DatabaseLocation {
        switch self {
        case .sqlite:
            let folder = try Command.temporaryDirectory(prefix: "flotilla-store")
            return .sqlite(path: folder.appendingPathComponent("test.sqlite").path)
        case .postgres:
            return .postgres(url: try PostgresServer.freshDatabase(prefix: "store"))
        }
    }

    func openStore() throws -> Store {
        try Store(location: freshLocation(), logger: Logger(label: "store-test"))
    }
}
