import Configuration
import FlotillaCore
import Foundation

/// Settings of inventory-service beyond the kit's: the catalogue to seed and how long reservations hold stock.
public struct InventoryServiceOptions: Sendable, Equatable {
    /// The products seeded into an empty database on first start (`CATALOGUE_FILE`, default the bundled `catalogue.json`).
    public var catalogue: Catalogue
    /// How long an uncommitted reservation holds its stock (`RESERVATION_TTL`, default 15m).
    public var reservationTTL: Duration
    /// How often expired reservations are swept (`RESERVATION_SWEEP_INTERVAL`, default 5s).
    public var sweepInterval: Duration

    /// Creates options; without a catalogue the bundled one is used (empty if it cannot be read, which tests catch).
    public init(catalogue: Catalogue? = nil, reservationTTL: Duration = .seconds(15 * 60), sweepInterval: Duration = .seconds(5)) {
        self.catalogue = catalogue ?? (try? Catalogue.bundled) ?? Catalogue(products: [])
        self.reservationTTL = reservationTTL
        self.sweepInterval = sweepInterval
    }

    /// Reads the options from the environment; a bad value is a ``ConfigurationError``.
    public static func load(environment: [String: String]? = nil) throws(ConfigurationError) -> InventoryServiceOptions {
        let provider = environment.map { EnvironmentVariablesProvider(environmentVariables: $0) } ?? EnvironmentVariablesProvider()
        let reader = ConfigReader(provider: provider)
        var catalogue: Catalogue?
        if let path = reader.string(forKey: "catalogue.file"), !path.isEmpty {
            do {
                catalogue = try Catalogue.load(path: path)
            } catch {
                throw .init(
                    variable: "CATALOGUE_FILE",
                    value: path,
                    expected: "a JSON catalogue {\"products\": [...]}; \(oneLine(String(describing: error)))"
                )
            }
        } else {
            do {
                catalogue = try Catalogue.bundled
            } catch {
                throw .init(variable: "CATALOGUE_FILE", value: "", expected: "a catalogue file, since the bundled one is unusable: \(error)")
            }
        }
        var options = InventoryServiceOptions(catalogue: catalogue)
        if let text = reader.string(forKey: "reservation.ttl") {
            guard let ttl = ConfigurationParsers.duration(text), ttl > .zero else {
                throw .init(variable: "RESERVATION_TTL", value: text, expected: "a positive duration such as 15m, 90s or 900")
            }
            options.reservationTTL = ttl
        }
        if let text = reader.string(forKey: "reservation.sweep.interval") {
            guard let interval = ConfigurationParsers.duration(text), interval > .zero else {
                throw .init(variable: "RESERVATION_SWEEP_INTERVAL", value: text, expected: "a positive duration such as 5s or 500ms")
            }
            options.sweepInterval = interval
        }
        return options
    }

    private static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}
