import Foundation

/// Where a service keeps its data: an SQLite file (the default) or a PostgreSQL database.
public enum DatabaseLocation: Sendable, Equatable, CustomStringConvertible {
    /// An SQLite database file at this path.
    case sqlite(path: String)
    /// A PostgreSQL database given by a `postgres://user:pass@host:port/db` URL.
    case postgres(url: String)

    /// Parses a `DATABASE_URL`: `postgres://…`, `postgresql://…`, `sqlite:///absolute/path` or `sqlite:relative/path`.
    /// Returns `nil` when the value is none of these.
    public init?(url: String) {
        if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") {
            guard let parts = PostgresURLParts(url), !parts.host.isEmpty, !parts.database.isEmpty else { return nil }
            self = .postgres(url: url)
        } else if url.hasPrefix("sqlite://") {
            let path = String(url.dropFirst("sqlite://".count))
            guard !path.isEmpty else { return nil }
            self = .sqlite(path: path)
        } else if url.hasPrefix("sqlite:") {
            let path = String(url.dropFirst("sqlite:".count))
            guard !path.isEmpty else { return nil }
            self = .sqlite(path: path)
        } else {
            return nil
        }
    }

    /// The location with any password replaced by `***`, for logs.
    public var description: String {
        switch self {
        case .sqlite(let path): return "sqlite:\(path)"
        case .postgres(let url): return PostgresURLParts(url)?.redacted ?? "postgres://***"
        }
    }
}

/// The pieces of a PostgreSQL URL that matter for validating and redacting it.
struct PostgresURLParts {
    var scheme: String
    var userInfo: String?
    var host: String
    var database: String
    var rest: String

    init?(_ url: String) {
        guard let schemeEnd = url.range(of: "://") else { return nil }
        scheme = String(url[..<schemeEnd.lowerBound])
        var remainder = url[schemeEnd.upperBound...]
        if let at = remainder.lastIndex(of: "@") {
            userInfo = String(remainder[..<at])
            remainder = remainder[remainder.index(after: at)...]
        }
        guard let slash = remainder.firstIndex(of: "/") else { return nil }
        let hostPort = remainder[..<slash]
        host = String(hostPort.split(separator: ":", maxSplits: 1).first ?? "")
        if let colon = hostPort.firstIndex(of: ":") {
            let port = hostPort[hostPort.index(after: colon)...]
            guard let number = Int(port), (1...65535).contains(number) else { return nil }
        }
        let pathAndQuery = remainder[remainder.index(after: slash)...]
        database = String(pathAndQuery.prefix { $0 != "?" })
        rest = String(pathAndQuery.dropFirst(database.count))
        guard host.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == "_" || $0 == "[" || $0 == "]" })
        else { return nil }
    }

    var redacted: String {
        let user =
            userInfo.map { info in
                (info.split(separator: ":", maxSplits: 1).first.map(String.init) ?? "") + (info.contains(":") ? ":***" : "") + "@"
            } ?? ""
        return "\(scheme)://\(user)\(host)/\(database)\(rest)"
    }
}
