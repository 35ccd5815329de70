import Foundation
import Yams

/// A YAML node with the path that led to it, so every error names the file, the line and the field.
struct YAMLField {
    let node: Node
    let path: String
    let file: String

    var line: Int? { node.mark?.line }

    func error(_ message: String) -> GatewayConfigurationError {
        GatewayConfigurationError(file: file, line: line, field: path, message: message)
    }

    func child(_ key: String) -> YAMLField? {
        guard let value = node.mapping?[key] else { return nil }
        if case .scalar = value, value.null != nil { return nil }
        return YAMLField(node: value, path: path.isEmpty ? key : "\(path).\(key)", file: file)
    }

    func mapping() throws -> Node.Mapping {
        guard let mapping = node.mapping else { throw error("expected a mapping") }
        return mapping
    }

    /// Rejects keys this gateway does not know, so a typo is not silently ignored.
    func allowOnly(_ keys: Set<String>) throws {
        for (key, value) in try mapping() {
            guard let name = key.string else { continue }
            if !keys.contains(name) {
                let field = YAMLField(node: value, path: path.isEmpty ? name : "\(path).\(name)", file: file)
                throw field.error("unknown field")
            }
        }
    }

    func items() throws -> [YAMLField] {
        guard let sequence = node.sequence else { throw error("expected a list") }
        return sequence.enumerated().map { YAMLField(node: $1, path: "\(path)[\($0)]", file: file) }
    }

    func entries() throws -> [(String, YAMLField)] {
        try mapping().compactMap { key, value in
            guard let name = key.string else { return nil }
            return (name, YAMLField(node: value, path: path.isEmpty ? name : "\(path).\(name)", file: file))
        }
    }

    func string() throws -> String {
        guard case .scalar(let scalar) = node else { throw error("expected a string") }
        return scalar.string
    }

    func int(min: Int = Int.min, max: Int = Int.max) throws -> Int {
        guard case .scalar = node, let value = node.int else { throw error("expected an integer") }
        guard value >= min, value <= max else { throw error("must be from \(min) to \(max)") }
        return value
    }

    func double() throws -> Double {
        guard case .scalar = node, let value = node.float else { throw error("expected a number") }
        return value
    }

    func bool() throws -> Bool {
        guard case .scalar = node, let value = node.bool else { throw error("expected true or false") }
        return value
    }

    func strings() throws -> [String] {
        if case .scalar = node { return [try string()] }
        return try items().map { try $0.string() }
    }

    /// Istio durations: `5s`, `100ms`, `1.5s`, `2m`, `1h`.
    func duration() throws -> Duration {
        let text = try string().trimmingCharacters(in: .whitespaces)
        let units: [(String, Double)] = [("ms", 0.001), ("us", 0.000_001), ("h", 3600), ("m", 60), ("s", 1)]
        for (suffix, scale) in units where text.hasSuffix(suffix) {
            if let number = Double(text.dropLast(suffix.count)), number >= 0 {
                return .nanoseconds(Int64((number * scale * 1_000_000_000).rounded()))
            }
        }
        throw error("expected a duration such as 5s or 250ms")
    }
}
