import FlotillaHTTP
import Foundation
import NIOCore

/// The products seeded into an empty database on first start.
///
/// The file is a JSON object with a `products` array; each product has `sku`, `name`, `description`,
/// `price` (`{"amount": minor units, "currency": "EUR"}`) and `stock` (the initial units):
///
/// ```json
/// {"products": [{"sku": "MUG-001", "name": "Mug", "description": "Blue", "price": {"amount": 899, "currency": "EUR"}, "stock": 40}]}
/// ```
public struct Catalogue: Sendable, Equatable {
    /// The products, in file order.
    public var products: [Product]

    /// Creates a catalogue from products that were already validated.
    public init(products: [Product]) {
        self.products = products
    }

    /// Why a catalogue file cannot be used, in one line.
    public struct Invalid: Error, CustomStringConvertible, Sendable, Equatable {
        /// What is wrong, naming the field (`products[3].price.amount must be at least 0`).
        public var description: String
    }

    private struct File: Decodable {
        var products: [Product]
    }

    /// Parses and validates a catalogue file's bytes.
    public static func parse(_ data: Data) throws(Invalid) -> Catalogue {
        let file: File
        do {
            file = try JSONDecoder().decode(File.self, from: data)
        } catch let error as DecodingError {
            let problem = JSONBodyDecoding.problem(for: error, body: ByteBuffer(bytes: data))
            let detail = problem.detail ?? "the file is not a catalogue"
            throw Invalid(description: detail.replacingOccurrences(of: "The body is", with: "the file is"))
        } catch {
            throw Invalid(description: "the file is not a catalogue")
        }
        guard !file.products.isEmpty else { throw Invalid(description: "products must list at least one product") }
        var seen: Set<String> = []
        for (index, product) in file.products.enumerated() {
            let path = "products[\(index)]"
            guard SKU.isValid(product.sku) else {
                throw Invalid(description: "\(path).sku must be 1 to 64 letters, digits, '.', '_' or '-'")
            }
            guard seen.insert(product.sku).inserted else { throw Invalid(description: "\(path).sku \(product.sku) appears twice") }
            let name = product.name.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !name.isEmpty, name.count <= 200 else { throw Invalid(description: "\(path).name must have 1 to 200 characters") }
            guard product.description.count <= 2000 else { throw Invalid(description: "\(path).description must have at most 2000 characters") }
            guard product.price.amount >= 0 else { throw Invalid(description: "\(path).price.amount must be at least 0") }
            guard Money.isCurrencyCode(product.price.currency) else {
                throw Invalid(description: "\(path).price.currency must be an ISO 4217 code such as EUR")
            }
            guard (0...ReservationLimits.maximumStock).contains(product.stock) else {
                throw Invalid(description: "\(path).stock must be from 0 to \(ReservationLimits.maximumStock)")
            }
        }
        return Catalogue(products: file.products)
    }

    /// Reads and parses the catalogue at `path`.
    public static func load(path: String) throws(Invalid) -> Catalogue {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Invalid(description: "the file cannot be read")
        }
        return try parse(data)
    }

    /// The catalogue shipped with the service (`Resources/catalogue.json`).
    public static var bundled: Catalogue {
        get throws(Invalid) {
            guard let url = Bundle.module.url(forResource: "catalogue", withExtension: "json") else {
                throw Invalid(description: "the bundled catalogue.json is missing")
            }
            return try load(path: url.path)
        }
    }
}
