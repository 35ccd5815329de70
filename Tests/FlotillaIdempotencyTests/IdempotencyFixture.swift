import FlotillaCore
import FlotillaHTTP
import FlotillaIdempotency
import FlotillaStore
import FlotillaTesting
import Foundation
import Hummingbird
import HummingbirdTesting
import SQLKit

/// The engines the idempotency tests run on.
enum Engine: String, CaseIterable, CustomStringConvertible, Sendable {
    case sqlite, postgres
    var description: String { rawValue }

    func freshDatabase() throws -> DatabaseLocation {
        switch self {
        case .sqlite:
            return .sqlite(path: try Command.temporaryDirectory(prefix: "idempotency").appendingPathComponent("ledger.sqlite").path)
        case .postgres:
            return .postgres(url: try PostgresServer.freshDatabase(prefix: "idempotency"))
        }
    }
}

/// A small service whose `POST /charges` inserts a row per charge through ``IdempotentExecutor``.
///
/// `{"amount": n}` charges n; amount 402 is recorded as declined and returned as a 402 problem;
/// a negative amount throws a 400 after inserting (which must roll back).
struct ChargeService {
    let kit: ServiceKit
    let store: Store

    init(engine: Engine) async throws {
        let configuration = ServiceConfiguration(serviceName: "charges", port: 0, database: try engine.freshDatabase())
        let kit = try ServiceKit(configuration: configuration)
        try await self.init(reusing: try Store(location: configuration.resolvedDatabase, logger: kit.logger), configuration: configuration)
    }

    /// A second instance over an existing store (as after a restart).
    init(reusing store: Store, configuration: ServiceConfiguration) async throws {
        kit = try ServiceKit(configuration: configuration)
        self.store = store
        try await store.migrate(Self.migrations + IdempotentExecutor.migrations)
        let idempotency = IdempotentExecutor(store: store)
        kit.routes.post("/charges") { request, context in
            try await idempotency.execute(request, context: context, scope: "charges") { request, database in
                let input = try await request.decodeJSON(as: ChargeInput.self, context: context)
                let id = UUID().uuidString.lowercased()
                let status = input.amount == 402 ? "declined" : "captured"
                try await database.insert(into: "charges").columns("id", "amount", "status")
                    .values(SQLBind(id), SQLBind(input.amount), SQLBind(status)).run()
                if input.amount < 0 { throw ProblemDetails.invalidField("amount", "amount must be positive.") }
                if status == "declined" {
                    return ProblemDetails.status(402, title: "Payment Required", detail: "card_declined").response()
                }
                var response = try JSONResponse.make(["id": id, "status": status], status: .created)
                response.headers[.location] = "/charges/\(id)"
                return response
            }
        }
        try await kit.startUp()
    }

    static let migrations = [
        Migration(version: 1, name: "create charges") { database in
            try await database.create(table: "charges")
                .column("id", type: .text, .primaryKey(autoIncrement: false))
                .column("amount", type: .bigint, .notNull)
                .column("status", type: .text, .notNull)
                .run()
        }
    ]

    /// How many charges are stored.
    func chargeCount() async throws -> Int {
        let row = try await store.sql.raw("SELECT COUNT(*) AS n FROM charges").first()
        return try row?.decode(column: "n", as: Int.self) ?? 0
    }
}

struct ChargeInput: Decodable {
    var amount: Int
}

extension TestClientProtocol {
    /// Posts a charge of `amount`, with `key` as its Idempotency-Key when given.
    func charge(_ amount: Int, key: String?) async throws -> TestResponse {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let key { headers[.idempotencyKey] = key }
        return try await execute(uri: "/charges", method: .post, headers: headers, body: ByteBuffer(string: #"{"amount":\#(amount)}"#))
    }
}
