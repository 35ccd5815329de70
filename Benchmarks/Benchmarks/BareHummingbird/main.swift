import Hummingbird

// The baseline for the service kit's cost: Hummingbird with one route and no middleware.
let port = Int(CommandLine.arguments.dropFirst().first ?? "") ?? 8090
let router = Router()
router.get("/health/live") { _, _ in "{\"status\":\"live\"}" }
let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)))
try await app.runService()
