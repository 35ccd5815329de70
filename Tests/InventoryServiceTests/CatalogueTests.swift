import FlotillaCore
import FlotillaStore
import FlotillaTesting
import Foundation
import HummingbirdTesting
import Logging
import Testing

@testable import InventoryService

@Suite struct CatalogueTests {
    @Test func theBundledCatalogueHasAtLeastTwentyValidProducts() throws {
        let catalogue = try Catalogue.bundled
        #expect(catalogue.products.count >= 20)
        #expect(Set(catalogue.products.map(\.sku)).count == catalogue.products.count)
        #expect(catalogue.products.allSatisfy { $0.price.currency == "EUR" && $0.price.amount > 0 && $0.stock > 0 })
    }

    @Test(arguments: Engine.allCases)
    func theCatalogueIsSeededOnFirstStartAndOnlyThen(engine: Engine) async throws {
        let database = try engine.freshDatabase()
        let first = try await makeInventoryService(database, options: .init())
        let bundled = try Catalogue.bundled
        let sku = try #require(bundled.products.first?.sku)
        try await first.kit.makeApplication().test(.router) { client in
            let summary = try await client.summary()
            #expect(summary.items.map(\.sku) == bundled.products.map(\.sku).sorted())
            #expect(try await client.reserve("order-1", [(sku, 2)]).status == .created)
        }
        await first.store.shutdown()

        // A restart with another catalogue changes nothing: the seed ran once, and stock taken stays taken.
        let second = try await makeInventoryService(database, options: .init(catalogue: testCatalogue))
        try await second.kit.makeApplication().test(.router) { client in
            let summary = try await client.summary()
            #expect(summary.items.count == bundled.products.count)
            #expect(summary.line("A-1") == nil)
            let line = try #require(summary.line(sku))
            #expect(line.available == line.initial - 2)
            #expect(line.reserved == 2)
        }
        await second.store.shutdown()
    }

    /// Two replicas starting at once on one empty database seed the catalogue once.
    @Test(arguments: Engine.allCases)
    func twoReplicasStartingAtOnceSeedOnce(engine: Engine) async throws {
        let database = try engine.freshDatabase()
        let stores = try (0..<2).map { _ in try Store(location: database, logger: Logger(label: "replica")) }
        let migrations = InventoryServiceApp.migrations(catalogue: testCatalogue)
        let seeded = try await withThrowingTaskGroup(of: Bool.self) { group in
            for store in stores {
                group.addTask { try await migrateRetrying(store, migrations).contains(4) }
            }
            return try await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(seeded.filter { $0 }.count == 1)
        for store in stores { await store.shutdown() }
        let app = try await makeInventoryService(database)
        try await app.kit.makeApplication().test(.router) { client in
            let summary = try await client.summary()
            #expect(summary.items.map(\.sku) == ["A-1", "B-2", "C-3"])
            #expect(summary.items.map(\.initial) == [10, 5, 0])
            #expect(summary.items.map(\.available) == [10, 5, 0])
        }
        await app.store.shutdown()
    }

    @Test func aCatalogueFileReplacesTheBundledOne() throws {
        let folder = try Command.temporaryDirectory(prefix: "catalogue")
        let path = folder.appendingPathComponent("c.json").path
        let json = #"{"products":[{"sku":"X-1","name":"X","description":"","price":{"amount":5,"currency":"EUR"},"stock":3}]}"#
        try json.write(toFile: path, atomically: true, encoding: .utf8)
        let options = try InventoryServiceOptions.load(environment: ["CATALOGUE_FILE": path])
        #expect(options.catalogue.products.map(\.sku) == ["X-1"])
        #expect(options.reservationTTL == .seconds(900))
    }

    @Test(arguments: [
        ("missing", nil, "cannot be read"),
        ("malformed", #"{"products":[{"sku" "X-1"}]}"#, "not valid JSON"),
        ("empty", #"{"products":[]}"#, "at least one product"),
        ("no price", #"{"products":[{"sku":"X-1","name":"X","description":"","stock":3}]}"#, "products[0].price is required"),
        (
            "negative stock", #"{"products":[{"sku":"X-1","name":"X","description":"","price":{"amount":5,"currency":"EUR"},"stock":-1}]}"#,
            "products[0].stock"
        ),
        ("bad currency", #"{"products":[{"sku":"X-1","name":"X","description":"","price":{"amount":5,"currency":"euro"},"stock":1}]}"#, "currency"),
        (
            "duplicate",
            #"{"products":[{"sku":"X-1","name":"X","description":"","price":{"amount":5,"currency":"EUR"},"stock":1},"#
                + #"{"sku":"X-1","name":"Y","description":"","price":{"amount":5,"currency":"EUR"},"stock":1}]}"#, "appears twice"
        ),
        ("bad sku", #"{"products":[{"sku":"no spaces","name":"X","description":"","price":{"amount":5,"currency":"EUR"},"stock":1}]}"#, "sku"),
    ])
    func aBadCatalogueFileIsAOneLineErrorNamingTheVariable(name: String, content: String?, reason: String) throws {
        let folder = try Command.temporaryDirectory(prefix: "catalogue")
        let path = folder.appendingPathComponent("\(name).json").path
        if let content { try content.write(toFile: path, atomically: true, encoding: .utf8) }
        do {
            _ = try InventoryServiceOptions.load(environment: ["CATALOGUE_FILE": path])
            Issue.record("\(name) was accepted")
        } catch {
            let line = String(describing: error)
            #expect(line.hasPrefix("CATALOGUE_FILE=\(path) is invalid"), "\(line)")
            #expect(line.contains(reason), "\(line)")
            #expect(!line.contains("\n"))
        }
    }

    @Test(arguments: ["abc", "-5s", "0", "15 minutes"])
    func aBadReservationTTLIsAOneLineError(value: String) throws {
        #expect(throws: ConfigurationError.self) { try InventoryServiceOptions.load(environment: ["RESERVATION_TTL": value]) }
        do {
            _ = try InventoryServiceOptions.load(environment: ["RESERVATION_TTL": value])
        } catch {
            #expect(String(describing: error).hasPrefix("RESERVATION_TTL=\(value) is invalid"))
        }
    }

    @Test func durationsAreParsedWithTheCoreParser() throws {
        let options = try InventoryServiceOptions.load(environment: ["RESERVATION_TTL": "90s", "RESERVATION_SWEEP_INTERVAL": "250ms"])
        #expect(options.reservationTTL == .seconds(90))
        #expect(options.sweepInterval == .milliseconds(250))
    }
}

/// Migrates, retrying as the kit's start-up service does (two replicas can race on creating the migrations table itself).
func migrateRetrying(_ store: Store, _ migrations: [Migration]) async throws -> [Int] {
    var attempt = 0
    while true {
        do {
            return try await store.migrate(migrations)
        } catch  where attempt < 5 {
            attempt += 1
            try await Task.sleep(for: .milliseconds(100))
        }
    }
}
