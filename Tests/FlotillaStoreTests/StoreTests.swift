import FlotillaStore
import Foundation
import Logging
import SQLKit
import Testing

struct Note: Codable, Equatable {
    var id: Int
    var body: String
}

let noteMigrations = [
    Migration(version: 1, name: "create notes") { db in
        try await db.create(table: "notes")
            .column("id", type: .bigint, .primaryKey(autoIncrement: false))
            .column("body", type: .text, .notNull, .unique)
            .run()
    },
    Migration(version: 2, name: "seed a note") { db in
        try await db.insert(into: "notes").model(Note(id: 1, body: "first")).run()
    },
]

@Suite struct StoreTests {
    @Test(arguments: Engine.allCases)
    func migrationsRunOnceInOrder(engine: Engine) async throws {
        let store = try engine.openStore()
        defer { Task { await store.shutdown() } }
        #expect(try await store.migrate(noteMigrations) == [1, 2])
        #expect(try await store.migrate(noteMigrations) == [])
        #expect(try await store.appliedMigrations() == [1, 2])
        let notes = try await store.sql.select().columns("*").from("notes").all(decoding: Note.self)
        #expect(notes == [Note(id: 1, body: "first")])
    }

    @Test(arguments: Engine.allCases)
    func aDatabaseNewerThanTheCodeIsRefused(engine: Engine) async throws {
        let store = try engine.openStore()
        defer { Task { await store.shutdown() } }
        try await store.migrate(noteMigrations)
        await #expect(throws: MigrationError.self) { try await store.migrate(Array(noteMigrations.prefix(1))) }
    }

    @Test(arguments: Engine.allCases)
    func aFailingMigrationLeavesNothingHalfApplied(engine: Engine) async throws {
        let store = try engine.openStore()
        defer { Task { await store.shutdown() } }
        struct Broken: Error {}
        let broken =
            noteMigrations + [
                Migration(version: 3, name: "half") { db in
                    try await db.insert(into: "notes").model(Note(id: 2, body: "second")).run()
                    throw Broken()
                }
            ]
        await #expect(throws: Broken.self) { try await store.migrate(broken) }
        #expect(try await store.appliedMigrations() == [1, 2])
        let count = try await store.sql.select().columns("*").from("notes").all().count
        #expect(count == 1)
    }

    @Test(arguments: Engine.allCases)
    func transactionsCommitOrRollBack(engine: Engine) async throws {
        let store = try engine.openStore()
        defer { Task { await store.shutdown() } }
        try await store.migrate(noteMigrations)
        try await store.transaction { db in
            try await db.insert(into: "notes").model(Note(id: 2, body: "kept")).run()
        }
        struct Abort: Error {}
        await #expect(throws: Abort.self) {
            try await store.transaction { db in
                try await db.insert(into: "notes").model(Note(id: 3, body: "dropped")).run()
                throw Abort()
            }
        }
        let bodies = try await store.sql.select().columns("*").from("notes").orderBy("id").all(decoding: Note.self).map(\.body)
        #expect(bodies == ["first", "kept"])
    }

    @Test(arguments: Engine.allCases)
    func uniqueViolationsAreRecognisedOnBothEngines(engine: Engine) async throws {
        let store = try engine.openStore()
        defer { Task { await store.shutdown() } }
        try await store.migrate(noteMigrations)
        do {
            try await store.sql.insert(into: "notes").model(Note(id: 9, body: "first")).run()
            Issue.record("a duplicate was inserted")
        } catch {
            #expect(Store.isUniqueViolation(error))
        }
    }

    @Test(arguments: Engine.allCases)
    func concurrentTransactionsAllCommit(engine: Engine) async throws {
        let store = try engine.openStore()
        defer { Task { await store.shutdown() } }
        try await store.migrate(noteMigrations)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for id in 100..<150 {
                group.addTask {
                    try await store.transaction { db in
                        try await db.insert(into: "notes").model(Note(id: id, body: "n\(id)")).run()
                    }
                }
            }
            try await group.waitForAll()
        }
        let count = try await store.sql.select().columns("*").from("notes").all().count
        #expect(count == 51)
    }

    @Test func sqliteRunsInWALMode() async throws {
        let store = try Engine.sqlite.openStore()
        defer { Task { await store.shutdown() } }
        let mode = try await store.sql.raw("PRAGMA journal_mode").first()?.decode(column: "journal_mode", as: String.self)
        #expect(mode == "wal")
    }

    @Test func pingFailsWhenTheDatabaseIsUnreachable() async throws {
        let store = try Store(location: .postgres(url: "postgres://nobody@127.0.0.1:1/none"), logger: Logger(label: "test"))
        defer { Task { await store.shutdown() } }
        await #expect(throws: (any Error).self) { try await store.ping() }
    }
}
