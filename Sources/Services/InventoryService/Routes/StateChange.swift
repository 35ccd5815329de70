import FlotillaHTTP
import FlotillaStore
import Hummingbird
import SQLKit

/// Runs the work of a state-changing request in one transaction, so its writes commit together or not at all.
struct StateChange: Sendable {
    let store: Store

    /// Runs `work` with the open transaction; `scope` names the operation for idempotency records.
    func run(
        _ request: Request,
        context: ServiceRequestContext,
        scope: String,
        _ work: @escaping @Sendable (Request, any SQLDatabase) async throws -> Response
    ) async throws -> Response {
        try await store.transaction { database in try await work(request, database) }
    }
}
