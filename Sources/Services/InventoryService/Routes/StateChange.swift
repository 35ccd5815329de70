import FlotillaHTTP
import FlotillaIdempotency
import FlotillaStore
import Hummingbird
import SQLKit

/// Runs the work of a state-changing request in one transaction, at most once per `Idempotency-Key`:
/// a repeat with the same key replays the first response, the same key with another body is a 422.
struct StateChange: Sendable {
    let idempotency: IdempotentExecutor

    /// Runs `work` with the open transaction; `scope` names the operation the key is unique within.
    func run(
        _ request: Request,
        context: ServiceRequestContext,
        scope: String,
        _ work: @escaping @Sendable (Request, any SQLDatabase) async throws -> Response
    ) async throws -> Response {
        try await idempotency.execute(request, context: context, scope: scope, work)
    }
}
