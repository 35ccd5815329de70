import Foundation
import Yams

/// Kong's cors plugin `config`, with Kong's defaults. An origin with regex characters is matched as an anchored
/// regular expression (`^…$`), as Kong does; others must match exactly.
struct CORSPluginConfiguration: Sendable {
    static let defaultMethods = ["GET", "HEAD", "PUT", "PATCH", "POST", "DELETE", "OPTIONS", "TRACE", "CONNECT"]

    var origins: [String] = []
    var headers: [String] = []
    var exposedHeaders: [String] = []
    var methods = defaultMethods
    var maxAge: Int?
    var credentials = false
    var privateNetwork = false
    var preflightContinue = false
    /// Compiled regexes of the origins that need one, by index in `origins` (NSRegularExpression is immutable and
    /// documented thread-safe, and Sendable in Foundation; Swift's `Regex` is not Sendable).
    var originPatterns: [Int: NSRegularExpression] = [:]

    init(_ node: Yams.Node?) throws {
        let config = try PluginConfigReader(node)
        try config.rejectUnknownFields([
            "origins", "headers", "exposed_headers", "methods", "max_age", "credentials", "private_network",
            "preflight_continue",
        ])
        origins = try config.strings("origins", default: [])
        for (index, origin) in origins.enumerated() where Self.looksLikeRegex(origin) {
            do {
                originPatterns[index] = try NSRegularExpression(pattern: "^(?:" + origin + ")$", options: [.caseInsensitive])
            } catch {
                throw config.error("origins[\(index + 1)]", "'\(origin)' is not a valid regex")
            }
        }
        headers = try config.strings("headers", default: [])
        exposedHeaders = try config.strings("exposed_headers", default: [])
        methods = try config.strings("methods", default: Self.defaultMethods)
        let known = Set(Self.defaultMethods)
        for (index, method) in methods.enumerated() where !known.contains(method) {
            throw config.error("methods[\(index + 1)]", "expected one of: \(Self.defaultMethods.joined(separator: ", "))")
        }
        if let age = try config.double("max_age") {
            guard age >= 0 else { throw config.error("max_age", "value must be greater than or equal to 0") }
            maxAge = Int(age)
        }
        credentials = try config.bool("credentials", default: false)
        privateNetwork = try config.bool("private_network", default: false)
        preflightContinue = try config.bool("preflight_continue", default: false)
    }

    static func looksLikeRegex(_ origin: String) -> Bool {
        origin.contains { "\\^$*+?()[]{}|".contains($0) } || (origin.contains(".") && origin.contains("*"))
    }

    /// Whether the request's `Origin` is allowed by a configured origin.
    func allows(_ origin: String) -> Bool {
        for (index, configured) in origins.enumerated() {
            if let pattern = originPatterns[index] {
                if pattern.firstMatch(in: origin, range: NSRange(origin.startIndex..., in: origin)) != nil { return true }
            } else if configured.equalsIgnoringCase(origin) {
                return true
            }
        }
        return false
    }
}

extension String {
    fileprivate func equalsIgnoringCase(_ other: String) -> Bool { lowercased() == other.lowercased() }
}
