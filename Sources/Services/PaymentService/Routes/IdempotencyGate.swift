import FlotillaHTTP
import FlotillaStore
import Hummingbird
import SQLKit

/// Stand-in for FlotillaIdempotency's `IdempotentExecutor` until that target lands: runs the work in one
/// transaction on a collected body, with the same signature, so that swapping it in changes no route.
struct IdempotencyGate: Sendable {
    let store: Store

    func execute(
        _ request: Request,
        context: ServiceRequestContext,
        scope: String,
        _ work: @escaping @Sendable (Request, any SQLDatabase) async throws -> Response
    ) async throws -> Response {
        var request = request
        _ = try await request.collectBody(upTo: context.bodyLimit)
        let collected = request
        return try await store.transaction { database in try await work(collected, database) }
    }
}
