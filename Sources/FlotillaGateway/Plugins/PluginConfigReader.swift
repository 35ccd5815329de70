import Foundation
import Yams

/// Reads one plugin's `config:` mapping field by field, with Kong's defaults applied by the caller, and throws
/// ``GatewayPluginConfigurationError`` naming the field (`config.minute`) and its line for anything wrong.
/// YAML `null` counts as "not set", as in Kong's declarative files.
struct PluginConfigReader {
    /// The path of this mapping (`config`, `config.redis`).
    let path: String
    private let fields: [String: Yams.Node]
    private let lines: [String: Int]
    private let line: Int?

    init(_ node: Yams.Node?, path: String = "config") throws {
        self.path = path
        self.line = node?.mark?.line
        guard let node, node.null == nil else {
            fields = [:]
            lines = [:]
            return
        }
        guard let mapping = node.mapping else {
            throw GatewayPluginConfigurationError(field: path, message: "expected a record", line: node.mark?.line)
        }
        var fields: [String: Yams.Node] = [:]
        var lines: [String: Int] = [:]
        for (key, value) in mapping {
            guard let name = key.string else { continue }
            lines[name] = key.mark?.line
            if value.null == nil { fields[name] = value }
        }
        self.fields = fields
        self.lines = lines
    }

    /// The error for `field`, with its line when known.
    func error(_ field: String, _ message: String) -> GatewayPluginConfigurationError {
        GatewayPluginConfigurationError(field: "\(path).\(field)", message: message, line: lines[field] ?? line)
    }

    /// Whether `field` is present and not null.
    func has(_ field: String) -> Bool { fields[field] != nil }

    /// Rejects fields not in `known`, as Kong does ("unknown field").
    func rejectUnknownFields(_ known: Set<String>) throws {
        for name in lines.keys.sorted() where !known.contains(name) {
            throw error(name, "unknown field")
        }
    }

    func string(_ field: String) throws -> String? {
        guard let node = fields[field] else { return nil }
        guard node.scalar != nil, let value = node.string else { throw error(field, "expected a string") }
        return value
    }

    func string(_ field: String, default value: String) throws -> String { try string(field) ?? value }

    /// A string that must be one of `allowed`.
    func oneOf(_ field: String, _ allowed: [String], default value: String) throws -> String {
        let chosen = try string(field) ?? value
        guard allowed.contains(chosen) else {
            throw error(field, "expected one of: \(allowed.joined(separator: ", "))")
        }
        return chosen
    }

    func bool(_ field: String, default value: Bool) throws -> Bool {
        guard let node = fields[field] else { return value }
        guard node.scalar != nil, let parsed = node.bool else { throw error(field, "expected a boolean") }
        return parsed
    }

    func double(_ field: String) throws -> Double? {
        guard let node = fields[field] else { return nil }
        guard node.scalar != nil, let parsed = node.float ?? node.int.map(Double.init) else {
            throw error(field, "expected a number")
        }
        return parsed
    }

    func int(_ field: String) throws -> Int? {
        guard let node = fields[field] else { return nil }
        if let parsed = node.int { return parsed }
        if let parsed = node.float, parsed.rounded() == parsed, abs(parsed) < 9e15 { return Int(parsed) }
        throw error(field, "expected an integer")
    }

    func int(_ field: String, default value: Int) throws -> Int { try int(field) ?? value }

    /// An integer within `range`.
    func int(_ field: String, default value: Int, in range: ClosedRange<Int>) throws -> Int {
        let parsed = try int(field) ?? value
        guard range.contains(parsed) else {
            throw error(field, "value should be between \(range.lowerBound) and \(range.upperBound)")
        }
        return parsed
    }

    /// A Kong array or set of strings.
    func strings(_ field: String) throws -> [String]? {
        guard let node = fields[field] else { return nil }
        guard let sequence = node.sequence else { throw error(field, "expected an array") }
        return try sequence.enumerated().map { index, element in
            guard element.scalar != nil, let value = element.string else {
                throw error("\(field)[\(index + 1)]", "expected a string")
            }
            return value
        }
    }

    func strings(_ field: String, default value: [String]) throws -> [String] { try strings(field) ?? value }

    /// A nested record (`config.redis`), empty when absent.
    func record(_ field: String) throws -> PluginConfigReader {
        guard let node = fields[field] else { return try PluginConfigReader(nil, path: "\(path).\(field)") }
        guard node.mapping != nil else { throw error(field, "expected a record") }
        return try PluginConfigReader(node, path: "\(path).\(field)")
    }
}
