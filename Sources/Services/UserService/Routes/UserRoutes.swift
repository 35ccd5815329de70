import FlotillaCore
import FlotillaHTTP
import Foundation
import Hummingbird
import HummingbirdBcrypt
import NIOPosix

/// The HTTP API of user-service.
struct UserRoutes: Sendable {
    let users: UserRepository
    let tokens: StartupValue<TokenIssuer>
    let bcryptCost: UInt8
    /// A hash to verify against when the e-mail is unknown, so both failures take the same time.
    let decoyHash: StartupValue<String>

    func register(on routes: RouteTable) {
        routes.post("/users") { request, context in try await register(request, context) }
        routes.post("/users/login") { request, context in try await login(request, context) }
        routes.get("/users/{id}") { request, context in try await show(request, context) }
        routes.get("/.well-known/jwks.json") { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "application/json"
            headers[.cacheControl] = "public, max-age=300"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: try tokens.get().jwks())))
        }
    }

    private func register(_ request: Request, _ context: ServiceRequestContext) async throws -> Response {
        let registration = try Registration(try await request.decodeJSON(as: RegistrationRequest.self, context: context))
        let cost = bcryptCost
        let password = registration.password
        let hash = try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
        let stored = StoredUser(
            id: UUID().uuidString.lowercased(),
            email: registration.email,
            name: registration.name,
            password_hash: hash,
            created_at: ISO8601DateFormatter().string(from: Date())
        )
        guard let user = try await users.insert(stored) else {
            throw ProblemDetails.conflict("A user with this email already exists.", field: "email")
        }
        var response = try JSONResponse.make(user, status: .created)
        response.headers[.location] = "/users/\(user.id)"
        return response
    }

    private func login(_ request: Request, _ context: ServiceRequestContext) async throws -> Response {
        let input = try await request.decodeJSON(as: LoginRequest.self, context: context)
        guard let email = input.email else { throw ProblemDetails.invalidField("email", "email is required.") }
        guard let password = input.password else { throw ProblemDetails.invalidField("password", "password is required.") }
        let user = try await users.find(email: email.trimmingCharacters(in: .whitespaces).lowercased())
        let hash = try user?.password_hash ?? decoyHash.get()
        let matches = try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }
        guard let user, matches else {
            throw ProblemDetails.unauthorized("The email or password is wrong.")
        }
        return try JSONResponse.make(try await tokens.get().issue(for: user.id), status: .ok, cacheable: false)
    }

    private func show(_ request: Request, _ context: ServiceRequestContext) async throws -> Response {
        let claims = try await tokens.get().authenticator.authenticate(request)
        let id = try context.parameters.require("id")
        guard claims.sub.value == id else {
            throw ProblemDetails.forbidden("The token belongs to another user.")
        }
        guard let user = try await users.find(id: id) else {
            throw ProblemDetails.notFound("No user has id \(id).")
        }
        return try JSONResponse.make(user.user, status: .ok)
    }
}
