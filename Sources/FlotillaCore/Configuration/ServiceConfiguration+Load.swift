import Configuration
import Foundation
import Logging

extension ServiceConfiguration {
    /// The configuration keys and the environment variables they are read from.
    public enum Key: String, CaseIterable, Sendable {
        case serviceName = "service.name"
        case host = "host"
        case port = "port"
        case dataDirectory = "data.dir"
        case databaseURL = "database.url"
        case logLevel = "log.level"
        case logFormat = "log.format"
        case otlpEndpoint = "otel.exporter.otlp.endpoint"
        case maxBodySize = "max.body.size"
        case shutdownGracePeriod = "shutdown.grace.period"
        case registryURL = "registry.url"
        case consulHTTPAddress = "consul.http.addr"
        case registryCheckInterval = "registry.check.interval"
        case registryDeregisterAfter = "registry.deregister.after"

        /// The environment variable for this key (`database.url` → `DATABASE_URL`).
        public var environmentVariable: String {
            rawValue.uppercased().replacingOccurrences(of: ".", with: "_")
        }
    }

    /// Reads and validates the configuration.
    ///
    /// - Parameters:
    ///   - defaults: the service's own defaults (its name and port, say).
    ///   - flags: values given on the command line, keyed by ``Key``; they win over the environment.
    ///   - environment: the environment variables (the process's by default).
    /// - Throws: ``ConfigurationError`` naming the first value that cannot be used.
    public static func load(
        defaults: ServiceConfiguration,
        flags: [Key: String] = [:],
        environment: [String: String]? = nil
    ) throws(ConfigurationError) -> ServiceConfiguration {
        var flagValues: [AbsoluteConfigKey: ConfigValue] = [:]
        for (key, value) in flags {
            flagValues[AbsoluteConfigKey(stringLiteral: key.rawValue)] = .init(.string(value), isSecret: key == .databaseURL)
        }
        let environmentProvider =
            environment.map { EnvironmentVariablesProvider(environmentVariables: $0) } ?? EnvironmentVariablesProvider()
        let reader = ConfigReader(providers: [
            InMemoryProvider(name: "flags", values: flagValues),
            environmentProvider,
        ])
        return try load(defaults: defaults, reader: reader)
    }

    /// Reads and validates the configuration from a `ConfigReader`.
    public static func load(defaults: ServiceConfiguration, reader: ConfigReader) throws(ConfigurationError) -> ServiceConfiguration {
        var configuration = defaults
        func string(_ key: Key) -> String? {
            reader.string(forKey: ConfigKey(stringLiteral: key.rawValue), isSecret: key == .databaseURL)
        }
        if let name = string(.serviceName) {
            guard ConfigurationParsers.isServiceName(name) else {
                throw .init(variable: Key.serviceName.environmentVariable, value: name, expected: "1 to 63 lowercase letters, digits or '-'")
            }
            configuration.serviceName = name
        }
        if let host = string(.host) {
            guard !host.isEmpty, !host.contains(where: \.isWhitespace) else {
                throw .init(variable: Key.host.environmentVariable, value: host, expected: "a host name or IP address such as 0.0.0.0")
            }
            configuration.host = host
        }
        if let port = string(.port) {
            guard let number = Int(port), (0...65535).contains(number) else {
                throw .init(variable: Key.port.environmentVariable, value: port, expected: "an integer from 0 to 65535")
            }
            configuration.port = number
        }
        if let directory = string(.dataDirectory) {
            guard !directory.isEmpty else {
                throw .init(variable: Key.dataDirectory.environmentVariable, value: directory, expected: "a folder path")
            }
            configuration.dataDirectory = directory
        }
        if let url = string(.databaseURL), !url.isEmpty {
            guard let location = DatabaseLocation(url: url) else {
                throw .init(
                    variable: Key.databaseURL.environmentVariable,
                    value: DatabaseLocation.redactedForError(url),
                    expected: "postgres://user:password@host:port/database or sqlite:path/to/file.sqlite"
                )
            }
            configuration.database = location
        }
        if let level = string(.logLevel) {
            guard let parsed = Logger.Level(rawValue: level.lowercased()) else {
                throw .init(
                    variable: Key.logLevel.environmentVariable,
                    value: level,
                    expected: "one of " + Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")
                )
            }
            configuration.logLevel = parsed
        }
        if let format = string(.logFormat) {
            guard let parsed = LogFormat(rawValue: format.lowercased()) else {
                throw .init(variable: Key.logFormat.environmentVariable, value: format, expected: "json or text")
            }
            configuration.logFormat = parsed
        }
        if let endpoint = string(.otlpEndpoint), !endpoint.isEmpty {
            guard ConfigurationParsers.isHTTPURL(endpoint) else {
                throw .init(
                    variable: Key.otlpEndpoint.environmentVariable,
                    value: endpoint,
                    expected: "an http:// or https:// URL such as http://localhost:4318"
                )
            }
            configuration.otlpEndpoint = endpoint
        }
        if let size = string(.maxBodySize) {
            guard let bytes = ConfigurationParsers.byteCount(size), bytes > 0 else {
                throw .init(
                    variable: Key.maxBodySize.environmentVariable,
                    value: size,
                    expected: "a positive number of bytes, optionally with KiB or MiB (1048576, 512KiB, 1MiB)"
                )
            }
            configuration.maxBodySize = bytes
        }
        if let period = string(.shutdownGracePeriod) {
            guard let duration = ConfigurationParsers.duration(period) else {
                throw .init(
                    variable: Key.shutdownGracePeriod.environmentVariable,
                    value: period,
                    expected: "a duration such as 10s, 500ms or 2m (a bare number is seconds)"
                )
            }
            configuration.shutdownGracePeriod = duration
        }
        for key in [Key.registryURL, .consulHTTPAddress] {
            guard configuration.registryURL == nil, let url = string(key), !url.isEmpty else { continue }
            // CONSUL_HTTP_ADDR is often host:port without a scheme, as Consul's own tools accept it.
            let withScheme = url.contains("://") ? url : "http://" + url
            guard ConfigurationParsers.isHTTPURL(withScheme) else {
                throw .init(variable: key.environmentVariable, value: url, expected: "a registry URL such as http://127.0.0.1:8500")
            }
            configuration.registryURL = withScheme.hasSuffix("/") ? String(withScheme.dropLast()) : withScheme
        }
        for (key, path) in [
            (Key.registryCheckInterval, \ServiceConfiguration.registryCheckInterval), (.registryDeregisterAfter, \.registryDeregisterAfter),
        ] {
            guard let text = string(key) else { continue }
            guard let duration = ConfigurationParsers.duration(text), duration >= .seconds(1) else {
                throw .init(variable: key.environmentVariable, value: text, expected: "a duration of at least 1s such as 10s or 1m")
            }
            configuration[keyPath: path] = duration
        }
        return configuration
    }
}

extension DatabaseLocation {
    /// A rejected URL with its password hidden, so the error line leaks no secret.
    static func redactedForError(_ url: String) -> String {
        guard let schemeEnd = url.range(of: "://"), let at = url[schemeEnd.upperBound...].lastIndex(of: "@") else { return url }
        let userInfo = url[schemeEnd.upperBound..<at]
        guard let colon = userInfo.firstIndex(of: ":") else { return url }
        return String(url[..<colon]) + ":***" + String(url[at...])
    }
}
