import Foundation

/// One page of `GET /products`: `{"items": [...], "next": "<cursor>" | null}`.
struct ProductPage: Encodable, Sendable {
    var items: [Product]
    /// The cursor of the next page; `null` on the last page.
    var next: String?

    enum CodingKeys: String, CodingKey { case items, next }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(items, forKey: .items)
        try container.encode(next, forKey: .next)
    }
}

/// The opaque cursor of product pages: base64url of the last sku a page showed.
enum ProductCursor {
    private static let prefix = "after:"

    static func make(after sku: String) -> String {
        Data((prefix + sku).utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// The sku a cursor continues after; `nil` when the cursor is not one of ours.
    static func sku(from cursor: String) -> String? {
        guard cursor.utf8.count <= 200 else { return nil }
        var base64 = cursor.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64), let text = String(data: data, encoding: .utf8), text.hasPrefix(prefix) else {
            return nil
        }
        let sku = String(text.dropFirst(prefix.count))
        return SKU.isValid(sku) ? sku : nil
    }
}
