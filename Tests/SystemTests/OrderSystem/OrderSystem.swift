import FlotillaTesting
import Foundation

/// The order system as real processes: user, inventory, payment, shipping and order-service, each with
/// its own database (SQLite files, or fresh PostgreSQL databases), order-service finding its peers
/// through `<SERVICE>_URLS`. order-service can be killed and restarted on the same port and data.
final class OrderSystem: @unchecked Sendable {
    // Mutated only by the test that owns the system, between requests (restart after a kill).
    enum Engine: String, CaseIterable, CustomStringConvertible, Sendable {
        case sqlite, postgres
        var description: String { rawValue }
    }

    let engine: Engine
    let user: ServiceProcess
    let inventory: ServiceProcess
    let payment: ServiceProcess
    let shipping: ServiceProcess
    private(set) var order: ServiceProcess
    let orderPort: Int
    private let orderArguments: [String]
    private let orderEnvironment: [String: String]

    var orderURL: String { "http://127.0.0.1:\(orderPort)" }
    var inventoryURL: String { "http://127.0.0.1:\(inventory.port)" }
    var paymentURL: String { "http://127.0.0.1:\(payment.port)" }
    var shippingURL: String { "http://127.0.0.1:\(shipping.port)" }
    var userURL: String { "http://127.0.0.1:\(user.port)" }

    /// Starts all five services and waits until each is ready.
    static func start(engine: Engine, sagaDeadline: String = "20s") async throws -> OrderSystem {
        func launch(_ service: String, extra: [String: String] = [:]) throws -> (ServiceProcess, [String], [String: String]) {
            let port = try FreePort.next()
            var arguments = ["serve", service, "--port", String(port)]
            var environment = extra
            environment["LOG_LEVEL"] = "warning"
            switch engine {
            case .sqlite:
                arguments += ["--data-dir", try Command.temporaryDirectory(prefix: "order-system-\(service)").path]
            case .postgres:
                environment["DATABASE_URL"] = try PostgresServer.freshDatabase(prefix: service.replacingOccurrences(of: "-", with: "_"))
            }
            return (try ServiceProcess.start(arguments, port: port, environment: environment), arguments, environment)
        }
        let (user, _, _) = try launch("user-service", extra: ["BCRYPT_COST": "4"])
        let (inventory, _, _) = try launch("inventory-service")
        let (payment, _, _) = try launch("payment-service")
        let (shipping, _, _) = try launch("shipping-service")
        let peers = [
            "DISCOVERY_MODE": "static",
            "USER_SERVICE_URLS": "http://127.0.0.1:\(user.port)",
            "INVENTORY_SERVICE_URLS": "http://127.0.0.1:\(inventory.port)",
            "PAYMENT_SERVICE_URLS": "http://127.0.0.1:\(payment.port)",
            "SHIPPING_SERVICE_URLS": "http://127.0.0.1:\(shipping.port)",
            "ORDER_SAGA_DEADLINE": sagaDeadline,
        ]
        let (order, orderArguments, orderEnvironment) = try launch("order-service", extra: peers)
        let system = OrderSystem(
            engine: engine,
            user: user,
            inventory: inventory,
            payment: payment,
            shipping: shipping,
            order: order,
            orderArguments: orderArguments,
            orderEnvironment: orderEnvironment
        )
        for process in [user, inventory, payment, shipping, order] {
            do {
                try await process.waitUntilReady(timeout: .seconds(60))
            } catch {
                system.stop()
                throw FixtureError("a service did not become ready: \(error)\n\(process.output.suffix(2000))")
            }
        }
        return system
    }

    private init(
        engine: Engine,
        user: ServiceProcess,
        inventory: ServiceProcess,
        payment: ServiceProcess,
        shipping: ServiceProcess,
        order: ServiceProcess,
        orderArguments: [String],
        orderEnvironment: [String: String]
    ) {
        self.engine = engine
        self.user = user
        self.inventory = inventory
        self.payment = payment
        self.shipping = shipping
        self.order = order
        self.orderPort = order.port
        self.orderArguments = orderArguments
        self.orderEnvironment = orderEnvironment
    }

    /// SIGKILLs order-service (no graceful shutdown: a crash).
    func killOrderService() async throws {
        order.signal(SIGKILL)
        _ = try await order.waitForExit(timeout: .seconds(10))
    }

    /// Starts order-service again on the same port and data, and waits until it is ready.
    func restartOrderService() async throws {
        order = try ServiceProcess.start(orderArguments, port: orderPort, environment: orderEnvironment)
        try await order.waitUntilReady(timeout: .seconds(60))
    }

    /// Stops every process.
    func stop() {
        for process in [user, inventory, payment, shipping, order] { process.stop() }
    }

    // MARK: - Clients

    /// Registers a fresh user and returns an access token.
    func token() async throws -> String {
        let email = "buyer-\(UUID().uuidString.prefix(8).lowercased())@example.com"
        let registered = try await HTTP.send(
            "POST",
            userURL + "/users",
            headers: ["Content-Type": "application/json"],
            body: Data(#"{"email":"\#(email)","password":"correct horse","name":"Buyer"}"#.utf8)
        )
        guard registered.status == 201 else { throw FixtureError("register: \(registered.status) \(registered.text)") }
        let login = try await HTTP.send(
            "POST",
            userURL + "/users/login",
            headers: ["Content-Type": "application/json"],
            body: Data(#"{"email":"\#(email)","password":"correct horse"}"#.utf8)
        )
        guard let token = login.json?["access_token"] as? String else { throw FixtureError("login: \(login.status) \(login.text)") }
        return token
    }

    /// `POST /orders`, with an idempotency key and optionally `Prefer: wait=`.
    func placeOrder(
        token: String,
        items: [(String, Int)],
        card: String = "4242424242424242",
        country: String = "DE",
        key: String = UUID().uuidString,
        wait: Int? = nil,
        timeout: TimeInterval = 30
    ) async throws -> HTTP.Reply {
        let lines = items.map { #"{"sku":"\#($0.0)","quantity":\#($0.1)}"# }.joined(separator: ",")
        let body = """
            {"items":[\(lines)],"card":{"number":"\(card)","expMonth":12,"expYear":2035,"cvc":"123"},\
            "shippingAddress":{"name":"Ada","line1":"1 Main St","city":"Berlin","postalCode":"10115","country":"\(country)"}}
            """
        var headers = ["Content-Type": "application/json", "Authorization": "Bearer \(token)", "Idempotency-Key": key]
        if let wait { headers["Prefer"] = "wait=\(wait)" }
        return try await HTTP.send("POST", orderURL + "/orders", headers: headers, body: Data(body.utf8), timeout: timeout)
    }

    /// `GET /orders/{id}` as a JSON object.
    func order(_ id: String, token: String) async throws -> [String: Any] {
        let reply = try await HTTP.send("GET", orderURL + "/orders/\(id)", headers: ["Authorization": "Bearer \(token)"])
        guard reply.status == 200, let json = reply.json else { throw FixtureError("GET /orders/\(id): \(reply.status) \(reply.text)") }
        return json
    }

    /// Polls the order until it is confirmed or cancelled.
    func waitUntilEnded(_ id: String, token: String, timeout: Duration = .seconds(60)) async throws -> [String: Any] {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let order = try? await order(id, token: token), let status = order["status"] as? String, status != "pending" {
                return order
            }
            guard ContinuousClock.now < deadline else { throw FixtureError("order \(id) is still pending after \(timeout)") }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// inventory-service's stock summary: sku → (initial, available, reserved, committed).
    func stock() async throws -> [String: (initial: Int, available: Int, reserved: Int, committed: Int)] {
        let reply = try await HTTP.send("GET", inventoryURL + "/inventory/summary")
        guard let items = reply.json?["items"] as? [[String: Any]] else { throw FixtureError("summary: \(reply.status) \(reply.text)") }
        var result: [String: (Int, Int, Int, Int)] = [:]
        for item in items {
            guard let sku = item["sku"] as? String else { continue }
            result[sku] = (
                item["initial"] as? Int ?? -1, item["available"] as? Int ?? -1, item["reserved"] as? Int ?? -1,
                item["committed"] as? Int ?? -1
            )
        }
        return result
    }

    /// The payments of an order from payment-service.
    func payments(orderID: String) async throws -> [[String: Any]] {
        let reply = try await HTTP.send("GET", paymentURL + "/payments?orderId=\(orderID)")
        guard let items = reply.json?["items"] as? [[String: Any]] else { throw FixtureError("payments: \(reply.status) \(reply.text)") }
        return items
    }

    /// The shipments of an order from shipping-service.
    func shipments(orderID: String) async throws -> [[String: Any]] {
        let reply = try await HTTP.send("GET", shippingURL + "/shipments?orderId=\(orderID)")
        guard let items = reply.json?["items"] as? [[String: Any]] else { throw FixtureError("shipments: \(reply.status) \(reply.text)") }
        return items
    }

    /// Two products with room to spare, from the catalogue: (sku, stock).
    func products() async throws -> [(sku: String, stock: Int)] {
        let reply = try await HTTP.send("GET", inventoryURL + "/products?limit=100")
        guard let items = reply.json?["items"] as? [[String: Any]] else { throw FixtureError("products: \(reply.status) \(reply.text)") }
        return items.compactMap { item in
            guard let sku = item["sku"] as? String, let stock = item["stock"] as? Int else { return nil }
            return (sku, stock)
        }
    }
}
