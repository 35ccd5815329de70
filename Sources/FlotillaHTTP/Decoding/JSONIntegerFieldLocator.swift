import Foundation

/// Finds the field whose number does not fit its integer type (`19.99`, `1e-3` or `9999999999999999999` for an
/// `Int`), which Foundation's `JSONDecoder` on Linux reports only as "The given data was not valid JSON", with no
/// coding path.
///
/// It decodes the type a second time, with the type's own `init(from:)`, over a ``JSONTree`` that keeps each
/// number's text, and stops at the first integer that does not fit. Runs only after a decode has failed.
/// Numbers are judged as Foundation judges them: `1e3` and `1.0` are the integers 1000 and 1.
enum JSONIntegerFieldLocator {
    /// The integer field that made decoding `type` from `bytes` fail, if that was the cause.
    struct Misfit: Error {
        /// Where the number is, as a coding path.
        var codingPath: [any CodingKey]
        /// The integer type's range, for the message.
        var range: String
    }

    /// The first integer field in `bytes` whose number `type` cannot hold, or `nil` when that is not why
    /// decoding failed (or `bytes` is not JSON).
    static func locate<T: Decodable>(_ type: T.Type, in bytes: [UInt8]) -> Misfit? {
        guard let tree = JSONTree.parse(bytes) else { return nil }
        do {
            _ = try TreeDecoder(tree, codingPath: []).decode(T.self)
            return nil
        } catch let misfit as Misfit {
            return misfit
        } catch {
            return nil
        }
    }
}

/// A `Decoder` over a ``JSONTree`` that follows `JSONDecoder`'s default strategies.
private struct TreeDecoder: Decoder {
    let tree: JSONTree
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(_ tree: JSONTree, codingPath: [any CodingKey]) {
        self.tree = tree
        self.codingPath = codingPath
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .object = tree else { throw mismatch([String: Any].self) }
        return KeyedDecodingContainer(KeyedContainer(tree: tree, codingPath: codingPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .array(let elements) = tree else { throw mismatch([Any].self) }
        return UnkeyedContainer(elements: elements, codingPath: codingPath)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { SingleValueContainer(decoder: self) }

    func mismatch(_ type: Any.Type) -> DecodingError {
        .typeMismatch(type, .init(codingPath: codingPath, debugDescription: "expected \(type)"))
    }

    /// Decodes `type` from this node, with Foundation's special cases for URL, Data (base64) and Decimal.
    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        switch type {
        case let integer as any FixedWidthInteger.Type:
            return try decodeInteger(integer) as! T
        case is Bool.Type:
            guard case .bool(let value) = tree else { throw mismatch(type) }
            return value as! T
        case is String.Type:
            return try string() as! T
        case is Double.Type, is Float.Type:
            guard case .number(let text) = tree, let value = Double(text) else { throw mismatch(type) }
            return (type == Float.self ? Float(value) as Any : value as Any) as! T
        case is Decimal.Type:
            guard case .number(let text) = tree, let value = Decimal(string: text) else { throw mismatch(type) }
            return value as! T
        case is URL.Type:
            guard let value = URL(string: try string()) else { throw mismatch(type) }
            return value as! T
        case is Data.Type:
            guard let value = Data(base64Encoded: try string()) else { throw mismatch(type) }
            return value as! T
        default:
            return try T(from: self)
        }
    }

    private func string() throws -> String {
        guard case .string(let value) = tree else { throw mismatch(String.self) }
        return value
    }

    /// An integer as Foundation reads one: exact digits, or a number whose value is a whole number in range.
    private func decodeInteger<I: FixedWidthInteger>(_ type: I.Type) throws -> I {
        guard case .number(let text) = tree else { throw mismatch(type) }
        if let value = I(text) { return value }
        if let double = Double(text), let value = I(exactly: double) { return value }
        throw JSONIntegerFieldLocator.Misfit(codingPath: codingPath, range: "from \(I.min) to \(I.max)")
    }
}

/// A key in a coding path: an array position, or `super` for a keyed container's super decoder.
private struct PathKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(index: Int) { (stringValue, intValue) = ("Index \(index)", index) }
    init?(intValue: Int) { self.init(index: intValue) }
    init(name: String) { (stringValue, intValue) = (name, nil) }
    init?(stringValue: String) { self.init(name: stringValue) }
}

private struct KeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let tree: JSONTree
    let codingPath: [any CodingKey]

    var allKeys: [Key] {
        guard case .object(let members) = tree else { return [] }
        return members.compactMap { Key(stringValue: $0.name) }
    }

    func contains(_ key: Key) -> Bool { tree.member(key.stringValue) != nil }

    private func decoder(for key: Key) throws -> TreeDecoder {
        guard let value = tree.member(key.stringValue) else {
            throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "no value"))
        }
        return TreeDecoder(value, codingPath: codingPath + [key])
    }

    func decodeNil(forKey key: Key) throws -> Bool {
        guard case .null = try decoder(for: key).tree else { return false }
        return true
    }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try decoder(for: key).decode(type) }
    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try decoder(for: key).decode(type) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try decoder(for: key).decode(type) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try decoder(for: key).decode(type) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try decoder(for: key).decode(type) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try decoder(for: key).decode(type) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try decoder(for: key).decode(type) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try decoder(for: key).decode(type) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try decoder(for: key).decode(type) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try decoder(for: key).decode(type) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try decoder(for: key).decode(type) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try decoder(for: key).decode(type) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try decoder(for: key).decode(type) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try decoder(for: key).decode(type) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try decoder(for: key).decode(type) }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        try decoder(for: key).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer { try decoder(for: key).unkeyedContainer() }

    func superDecoder() throws -> any Decoder {
        TreeDecoder(tree.member("super") ?? .null, codingPath: codingPath + [PathKey(name: "super")])
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        TreeDecoder(tree.member(key.stringValue) ?? .null, codingPath: codingPath + [key])
    }
}

private struct UnkeyedContainer: UnkeyedDecodingContainer {
    let elements: [JSONTree]
    let codingPath: [any CodingKey]
    var currentIndex = 0

    init(elements: [JSONTree], codingPath: [any CodingKey]) {
        self.elements = elements
        self.codingPath = codingPath
    }

    var count: Int? { elements.count }
    var isAtEnd: Bool { currentIndex >= elements.count }

    private mutating func next() throws -> TreeDecoder {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(Any.self, .init(codingPath: codingPath, debugDescription: "unkeyed container is at end"))
        }
        defer { currentIndex += 1 }
        return TreeDecoder(elements[currentIndex], codingPath: codingPath + [PathKey(index: currentIndex)])
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd, case .null = elements[currentIndex] else { return false }
        currentIndex += 1
        return true
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try next().decode(type) }
    mutating func decode(_ type: Bool.Type) throws -> Bool { try next().decode(type) }
    mutating func decode(_ type: String.Type) throws -> String { try next().decode(type) }
    mutating func decode(_ type: Double.Type) throws -> Double { try next().decode(type) }
    mutating func decode(_ type: Float.Type) throws -> Float { try next().decode(type) }
    mutating func decode(_ type: Int.Type) throws -> Int { try next().decode(type) }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try next().decode(type) }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try next().decode(type) }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try next().decode(type) }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try next().decode(type) }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try next().decode(type) }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try next().decode(type) }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try next().decode(type) }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try next().decode(type) }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try next().decode(type) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        try next().container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer { try next().unkeyedContainer() }

    mutating func superDecoder() throws -> any Decoder { try next() }
}

private struct SingleValueContainer: SingleValueDecodingContainer {
    let decoder: TreeDecoder
    var codingPath: [any CodingKey] { decoder.codingPath }

    func decodeNil() -> Bool {
        guard case .null = decoder.tree else { return false }
        return true
    }

    func decode<T: Decodable>(_ type: T.Type) throws -> T { try decoder.decode(type) }
    func decode(_ type: Bool.Type) throws -> Bool { try decoder.decode(type) }
    func decode(_ type: String.Type) throws -> String { try decoder.decode(type) }
    func decode(_ type: Double.Type) throws -> Double { try decoder.decode(type) }
    func decode(_ type: Float.Type) throws -> Float { try decoder.decode(type) }
    func decode(_ type: Int.Type) throws -> Int { try decoder.decode(type) }
    func decode(_ type: Int8.Type) throws -> Int8 { try decoder.decode(type) }
    func decode(_ type: Int16.Type) throws -> Int16 { try decoder.decode(type) }
    func decode(_ type: Int32.Type) throws -> Int32 { try decoder.decode(type) }
    func decode(_ type: Int64.Type) throws -> Int64 { try decoder.decode(type) }
    func decode(_ type: UInt.Type) throws -> UInt { try decoder.decode(type) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try decoder.decode(type) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try decoder.decode(type) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try decoder.decode(type) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try decoder.decode(type) }
}
