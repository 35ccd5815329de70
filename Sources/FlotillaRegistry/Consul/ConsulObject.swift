import Foundation

/// A JSON object read the way Consul reads request bodies: keys in any letter case, and
/// snake_case aliases (`deregister_critical_service_after`) for the PascalCase names.
///
/// Type mismatches become Consul's 400 `Request decode failed: …`.
struct ConsulObject {
    private let fields: [String: JSONValue]
    /// Where this object sits in the body (`Check`), for error messages.
    let path: String

    init(_ dictionary: [String: JSONValue], path: String) {
        var fields: [String: JSONValue] = [:]
        for (key, value) in dictionary { fields[Self.normalize(key)] = value }
        self.fields = fields
        self.path = path
    }

    /// Parses a request body that must be one JSON object.
    static func parse(_ body: Data, path: String) throws(ConsulError) -> ConsulObject {
        guard !body.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) else { throw .decode("EOF") }
        let value: JSONValue
        do {
            value = try JSONDecoder().decode(JSONValue.self, from: body)
        } catch {
            throw .decode("invalid character in JSON body: \(Self.reason(error))")
        }
        guard case .object(let dictionary) = value else {
            throw .decode("json: cannot unmarshal \(value.typeName) into Go value of type \(path)")
        }
        return ConsulObject(dictionary, path: path)
    }

    static func normalize(_ key: String) -> String { key.lowercased().replacingOccurrences(of: "_", with: "") }

    var isEmpty: Bool { fields.values.allSatisfy { $0 == .null } }

    private func value(_ key: String) -> JSONValue? {
        let value = fields[Self.normalize(key)]
        return value == .null ? nil : value
    }

    private func mismatch(_ key: String, _ value: JSONValue, _ type: String) -> ConsulError {
        .decode("json: cannot unmarshal \(value.typeName) into Go struct field \(path).\(key) of type \(type)")
    }

    func string(_ key: String) throws(ConsulError) -> String? {
        guard let value = value(key) else { return nil }
        guard case .string(let string) = value else { throw mismatch(key, value, "string") }
        return string
    }

    func int(_ key: String) throws(ConsulError) -> Int? {
        guard let value = value(key) else { return nil }
        guard case .number(let number) = value, let int = Int(exactly: number) else { throw mismatch(key, value, "int") }
        return int
    }

    func bool(_ key: String) throws(ConsulError) -> Bool? {
        guard let value = value(key) else { return nil }
        guard case .bool(let bool) = value else { throw mismatch(key, value, "bool") }
        return bool
    }

    func strings(_ key: String) throws(ConsulError) -> [String]? {
        guard let value = value(key) else { return nil }
        guard case .array(let items) = value else { throw mismatch(key, value, "[]string") }
        return try items.map { item throws(ConsulError) in
            guard case .string(let string) = item else { throw mismatch(key, item, "string") }
            return string
        }
    }

    func stringMap(_ key: String) throws(ConsulError) -> [String: String]? {
        guard let value = value(key) else { return nil }
        guard case .object(let map) = value else { throw mismatch(key, value, "map[string]string") }
        var result: [String: String] = [:]
        for (name, item) in map {
            guard case .string(let string) = item else { throw mismatch(key, item, "string") }
            result[name] = string
        }
        return result
    }

    func stringListMap(_ key: String) throws(ConsulError) -> [String: [String]]? {
        guard let value = value(key) else { return nil }
        guard case .object(let map) = value else { throw mismatch(key, value, "map[string][]string") }
        var result: [String: [String]] = [:]
        for (name, item) in map {
            guard case .array(let items) = item else { throw mismatch(key, item, "[]string") }
            result[name] = try items.map { element throws(ConsulError) in
                guard case .string(let string) = element else { throw mismatch(key, element, "string") }
                return string
            }
        }
        return result
    }

    func object(_ key: String) throws(ConsulError) -> ConsulObject? {
        guard let value = value(key) else { return nil }
        guard case .object(let map) = value else { throw mismatch(key, value, "struct") }
        return ConsulObject(map, path: key)
    }

    func objects(_ key: String) throws(ConsulError) -> [ConsulObject]? {
        guard let value = value(key) else { return nil }
        guard case .array(let items) = value else { throw mismatch(key, value, "[]struct") }
        return try items.map { item throws(ConsulError) in
            guard case .object(let map) = item else { throw mismatch(key, item, "struct") }
            return ConsulObject(map, path: key)
        }
    }

    /// A Go duration: a string (`"10s"`) or a number of nanoseconds, as Consul accepts both.
    func duration(_ key: String) throws(ConsulError) -> Duration? {
        guard let value = value(key) else { return nil }
        switch value {
        case .string(let text):
            do { return try GoDuration.parse(text) } catch { throw .decode(error.description) }
        case .number(let number):
            return .nanoseconds(Int64(number))
        default:
            throw mismatch(key, value, "time.Duration")
        }
    }

    private static func reason(_ error: any Error) -> String {
        guard case DecodingError.dataCorrupted(let context) = error else { return "\(error)" }
        let underlying = (context.underlyingError as? NSError)?.userInfo[NSDebugDescriptionErrorKey] as? String
        return underlying ?? context.debugDescription
    }
}
