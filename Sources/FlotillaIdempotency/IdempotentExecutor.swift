import FlotillaCore
import FlotillaHTTP
import FlotillaStore
import Foundation
import Hummingbird
import SQLKit

/// Runs state-changing requests at most once per `Idempotency-Key`, crash-safely.
///
/// The work runs in a database transaction, and the key, a fingerprint of the request and the response
/// are recorded in that same transaction: after a crash there is either both the change and its record,
/// or neither. A repeat with the same key replays the recorded response (`Idempotent-Replayed: true`)
/// without running the work; the same key with a different request is a 422. Work that throws rolls
/// back and records nothing, so a business outcome that must be replayed is returned, not thrown.
///
/// ```swift
/// let idempotency = IdempotentExecutor(store: store)
/// routes.post("/payments") { request, context in
///     try await idempotency.execute(request, context: context, scope: "payments") { request, database in
///         let input = try await request.decodeJSON(as: NewPayment.self, context: context)
///         try await database.insert(into: "payments").model(row).run()
///         return try JSONResponse.make(payment, status: .created)
///     }
/// }
/// ```
public struct IdempotentExecutor: Sendable {
    /// The store whose transactions hold both the work and the key's record.
    public let store: Store
    private let fingerprintKey: FingerprintKey

    /// Creates an executor over `store`; run ``migrations`` on it first.
    public init(store: Store) {
        self.store = store
        self.fingerprintKey = FingerprintKey(store: store)
    }

    /// The ledger's schema (versions 9000–9099, clear of a service's own migrations).
    public static var migrations: [Migration] { IdempotencyLedger.migrations }

    /// Runs `work` once for the request's `Idempotency-Key` within `scope`, or replays the recorded response.
    ///
    /// - Parameters:
    ///   - request: the incoming request; its body is collected (up to the context's limit) before `work` sees it.
    ///   - scope: what the key is unique within, e.g. `"payments"` or `"orders:\(userID)"`.
    ///   - work: makes every write through the database it is given and returns the response to record.
    public func execute(
        _ request: Request,
        context: ServiceRequestContext,
        scope: String,
        _ work: @escaping @Sendable (Request, any SQLDatabase) async throws -> Response
    ) async throws -> Response {
        var request = request
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: context.bodyLimit)
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            throw ProblemDetails.contentTooLarge(limit: context.bodyLimit)
        }
        let collected = request
        guard let rawKey = request.headers[.idempotencyKey] else {
            return try await store.transaction { database in
                try await RecordedResponse.capture(try await work(collected, database))
            }.response
        }
        let key = try IdempotencyKey(rawKey)
        let fingerprint = RequestFingerprint(
            method: request.method.rawValue,
            path: request.uri.path,
            body: body,
            key: try await fingerprintKey.get()
        )
        let ledger = IdempotencyLedger()
        let outcome: Outcome
        do {
            outcome = try await store.transaction { database in
                if let recorded = try await ledger.claim(scope: scope, key: key.value, fingerprint: fingerprint.hex, on: database) {
                    return .recorded(recorded)
                }
                let response = try await RecordedResponse.capture(try await work(collected, database))
                try await ledger.complete(scope: scope, key: key.value, response: response, on: database)
                return .fresh(response)
            }
        } catch  where Store.isUniqueViolation(error) {
            // A concurrent request with the same key committed first: replay what it recorded.
            guard let recorded = try await ledger.find(scope: scope, key: key.value, on: store.sql) else { throw error }
            outcome = .recorded(recorded)
        }
        switch outcome {
        case .fresh(let response):
            return response.response
        case .recorded(let recorded):
            guard recorded.fingerprint == fingerprint.hex else {
                throw ProblemDetails(
                    type: ProblemDetails.typeBase + "idempotency-key-reused",
                    title: "Unprocessable Content",
                    status: 422,
                    detail: "Idempotency-Key \(key.value) was already used with a different request.",
                    field: "Idempotency-Key"
                )
            }
            var response = recorded.response.response
            response.headers[.idempotentReplayed] = "true"
            return response
        }
    }

    /// What the transaction produced: a response this call recorded, or one recorded before.
    private enum Outcome: Sendable {
        case fresh(RecordedResponse)
        case recorded(IdempotencyRecord)
    }
}
