/// A product of the catalogue as the API shows it; `stock` is the quantity available to reserve.
public struct Product: Codable, Sendable, Equatable {
    /// The stock-keeping unit, the product's id (`BOOK-0001`).
    public var sku: String
    /// The product's name.
    public var name: String
    /// A short description.
    public var description: String
    /// The unit price.
    public var price: Money
    /// Units available to reserve now.
    public var stock: Int

    /// Creates a product.
    public init(sku: String, name: String, description: String, price: Money, stock: Int) {
        self.sku = sku
        self.name = name
        self.description = description
        self.price = price
        self.stock = stock
    }
}

/// The rules for a stock-keeping unit: 1 to 64 of letters, digits, `.`, `_` and `-`, starting with a letter or digit.
enum SKU {
    static let maximumLength = 64

    static func isValid(_ sku: String) -> Bool {
        guard (1...maximumLength).contains(sku.utf8.count), let first = sku.utf8.first, isAlphanumeric(first) else { return false }
        return sku.utf8.allSatisfy { isAlphanumeric($0) || $0 == 46 || $0 == 95 || $0 == 45 }
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= 48 && byte <= 57) || (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122)
    }
}
