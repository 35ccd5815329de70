import Hummingbird

/// One route a service serves: method and path template (`GET /users/{id}`).
public struct RouteDescription: Hashable, Sendable, CustomStringConvertible, Comparable {
    /// The HTTP method (`GET`).
    public var method: String
    /// The path template with `{parameter}` captures, as OpenAPI writes it.
    public var path: String

    /// Creates a route description.
    public init(method: String, path: String) {
        self.method = method
        self.path = path
    }

    public var description: String { "\(method) \(path)" }

    public static func < (lhs: Self, rhs: Self) -> Bool { (lhs.path, lhs.method) < (rhs.path, rhs.method) }
}

/// The routes of a service: registers each on the Hummingbird router and remembers it, so tests can
/// hold the list against the service's OpenAPI document.
///
/// ```swift
/// routes.post("/users") { request, context in … }
/// routes.get("/users/{id}") { request, context in … }
/// ```
public final class RouteTable {
    /// The router the routes are registered on.
    public let router: Router<ServiceRequestContext>
    /// Every route registered so far, in registration order.
    public private(set) var routes: [RouteDescription] = []

    /// Creates a table over `router`.
    public init(router: Router<ServiceRequestContext>) {
        self.router = router
    }

    /// Registers `handler` for `method` on `path`.
    public func on(
        _ path: String,
        method: HTTPRequest.Method,
        use handler: @escaping @Sendable (Request, ServiceRequestContext) async throws -> some ResponseGenerator
    ) {
        routes.append(RouteDescription(method: method.rawValue, path: path))
        router.on(RouterPath(path), method: method, use: handler)
    }

    /// Registers a `GET` route.
    public func get(_ path: String, use handler: @escaping @Sendable (Request, ServiceRequestContext) async throws -> some ResponseGenerator) {
        on(path, method: .get, use: handler)
    }

    /// Registers a `POST` route.
    public func post(_ path: String, use handler: @escaping @Sendable (Request, ServiceRequestContext) async throws -> some ResponseGenerator) {
        on(path, method: .post, use: handler)
    }

    /// Registers a `PUT` route.
    public func put(_ path: String, use handler: @escaping @Sendable (Request, ServiceRequestContext) async throws -> some ResponseGenerator) {
        on(path, method: .put, use: handler)
    }

    /// Registers a `DELETE` route.
    public func delete(_ path: String, use handler: @escaping @Sendable (Request, ServiceRequestContext) async throws -> some ResponseGenerator) {
        on(path, method: .delete, use: handler)
    }
}
