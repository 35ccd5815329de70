import FlotillaStore
import SQLKit

/// Reads and writes the sagas of one definition in `flotilla_sagas`, on whichever database it is given
/// (the store's pool, or a transaction's connection).
struct SagaLog<Data: Codable & Sendable>: Sendable {
    let definitionName: String

    func insert(_ record: SagaRecord<Data>, on database: any SQLDatabase) async throws {
        let row = try SagaRow(record)
        try await database.insert(into: SagaMigrations.table)
            .columns("id", "definition", "status", "reason", "data", "steps", "deadline_ms", "created_ms", "updated_ms")
            .values(
                SQLBind(row.id),
                SQLBind(row.definition),
                SQLBind(row.status),
                SQLBind(row.reason),
                SQLBind(row.data),
                SQLBind(row.steps),
                SQLBind(row.deadlineMS),
                SQLBind(row.createdMS),
                SQLBind(row.updatedMS)
            )
            .run()
    }

    /// Writes everything that can change: status, reason, data, steps and the update time.
    func save(_ record: SagaRecord<Data>, on database: any SQLDatabase) async throws {
        let row = try SagaRow(record)
        try await database.update(SagaMigrations.table)
            .set("status", to: row.status)
            .set("reason", to: row.reason)
            .set("data", to: row.data)
            .set("steps", to: row.steps)
            .set("updated_ms", to: row.updatedMS)
            .where("id", .equal, row.id)
            .run()
    }

    func load(id: String, on database: any SQLDatabase) async throws -> SagaRecord<Data>? {
        guard
            let row = try await database.select().columns("*").from(SagaMigrations.table)
                .where("id", .equal, id).first(decoding: SagaRow.self)
        else { return nil }
        return try row.record(as: Data.self)
    }

    /// The ids of this definition's sagas that have not ended, oldest first.
    func unfinishedIDs(on database: any SQLDatabase) async throws -> [String] {
        try await database.select().column("id").from(SagaMigrations.table)
            .where("definition", .equal, definitionName)
            .where("status", .in, [SagaStatus.running.rawValue, SagaStatus.compensating.rawValue])
            .orderBy("created_ms")
            .all()
            .map { try $0.decode(column: "id", as: String.self) }
    }
}
