import Foundation
import Yams

/// Reads a Kong declarative document (`_format_version: "3.0"`, or the seed's bare `services:` list) into the model.
struct KongDeclarativeParser {
    var configuration: GatewayConfiguration
    let file: String

    private static let topLevel: Set<String> = [
        "_format_version", "_transform", "_workspace", "_comment", "_info", "services", "routes", "upstreams", "targets",
        "consumers", "plugins", "certificates", "ca_certificates", "snis", "vaults", "jwt_secrets", "keyauth_credentials",
    ]
    private static let serviceFields: Set<String> = [
        "name", "id", "url", "protocol", "host", "port", "path", "retries", "connect_timeout", "read_timeout", "write_timeout",
        "routes", "plugins", "tags", "enabled", "tls_verify", "tls_verify_depth", "ca_certificates", "client_certificate",
        "created_at", "updated_at",
    ]
    private static let routeFields: Set<String> = [
        "name", "id", "paths", "methods", "hosts", "headers", "strip_path", "preserve_host", "regex_priority", "protocols",
        "service", "plugins", "tags", "path_handling", "https_redirect_status_code", "request_buffering",
        "response_buffering", "snis", "sources", "destinations", "created_at", "updated_at",
    ]

    mutating func parse(_ document: YAMLField) throws {
        try document.allowOnly(Self.topLevel)
        if let version = document.child("_format_version") {
            let text = try version.string()
            guard ["1.1", "2.1", "3.0"].contains(text) else { throw version.error("unsupported version \"\(text)\" (expected \"3.0\")") }
        }
        if let upstreams = document.child("upstreams") {
            for upstream in try upstreams.items() { try parseUpstream(upstream) }
        }
        if let targets = document.child("targets") {
            for target in try targets.items() {
                guard let name = target.child("upstream") else { throw target.error("upstream: is required") }
                let upstreamName = try name.string()
                guard let index = configuration.upstreams.firstIndex(where: { $0.name == upstreamName }) else {
                    throw name.error("no upstream named \"\(upstreamName)\"")
                }
                configuration.upstreams[index].targets.append(try parseTarget(target))
            }
        }
        if let services = document.child("services") {
            for service in try services.items() { try parseService(service) }
        }
        if let routes = document.child("routes") {
            for route in try routes.items() {
                var serviceIndex: Int?
                if let reference = route.child("service") {
                    let name = try (reference.child("name") ?? reference.child("id") ?? reference).string()
                    guard let index = configuration.services.firstIndex(where: { $0.name == name }) else {
                        throw reference.error("no service named \"\(name)\"")
                    }
                    serviceIndex = index
                }
                try parseRoute(route, serviceIndex: serviceIndex)
            }
        }
        if let consumers = document.child("consumers") {
            for consumer in try consumers.items() { try parseConsumer(consumer) }
        }
        try parseTopLevelCredentials(document)
        if let plugins = document.child("plugins") {
            for plugin in try plugins.items() {
                var scope = PluginEntry.Scope.global
                if let reference = plugin.child("route") {
                    let name = try (reference.child("name") ?? reference).string()
                    guard let index = configuration.routes.firstIndex(where: { $0.name == name }) else {
                        throw reference.error("no route named \"\(name)\"")
                    }
                    scope = .route(index)
                } else if let reference = plugin.child("service") {
                    let name = try (reference.child("name") ?? reference).string()
                    guard let index = configuration.services.firstIndex(where: { $0.name == name }) else {
                        throw reference.error("no service named \"\(name)\"")
                    }
                    scope = .service(index)
                } else if let reference = plugin.child("consumer") {
                    scope = .consumer(try (reference.child("username") ?? reference).string())
                }
                try parsePlugin(plugin, scope: scope)
            }
        }
    }

    private mutating func parseService(_ field: YAMLField) throws {
        try field.allowOnly(Self.serviceFields)
        let name = try field.child("name")?.string()
        var service: KongService
        if let url = field.child("url") {
            let text = try url.string()
            guard let components = URLComponents(string: text), let scheme = components.scheme, let host = components.host,
                !host.isEmpty
            else { throw url.error("expected a URL such as http://host:port/path") }
            service = KongService(name: name, host: host)
            service.scheme = scheme
            service.port = components.port ?? (scheme == "https" ? 443 : 80)
            service.path = components.path.isEmpty ? nil : components.path
            guard scheme == "http" else { throw url.error("only http upstreams are supported") }
        } else {
            guard let host = field.child("host") else { throw field.error("url or host is required") }
            service = KongService(name: name, host: try host.string())
            if let proto = field.child("protocol") {
                let scheme = try proto.string()
                guard scheme == "http" else { throw proto.error("only http upstreams are supported") }
            }
            if let port = field.child("port") { service.port = try port.int(min: 1, max: 65535) }
            if let path = field.child("path") {
                let text = try path.string()
                guard text.hasPrefix("/") else { throw path.error("must start with /") }
                service.path = text
            }
        }
        service.line = field.line
        if let retries = field.child("retries") { service.retries = try retries.int(min: 0, max: 32767) }
        if let value = field.child("connect_timeout") { service.connectTimeout = .milliseconds(try value.int(min: 1)) }
        if let value = field.child("read_timeout") { service.readTimeout = .milliseconds(try value.int(min: 1)) }
        if let value = field.child("write_timeout") { service.writeTimeout = .milliseconds(try value.int(min: 1)) }
        configuration.services.append(service)
        let index = configuration.services.count - 1
        if let routes = field.child("routes") {
            for route in try routes.items() { try parseRoute(route, serviceIndex: index) }
        }
        if let plugins = field.child("plugins") {
            for plugin in try plugins.items() { try parsePlugin(plugin, scope: .service(index)) }
        }
    }

    private mutating func parseRoute(_ field: YAMLField, serviceIndex: Int?) throws {
        try field.allowOnly(Self.routeFields)
        var route = KongRoute()
        route.name = try field.child("name")?.string()
        route.serviceIndex = serviceIndex
        route.line = field.line
        route.order = configuration.routes.count
        if let paths = field.child("paths") {
            for path in try paths.items() {
                let text = try path.string()
                if text.hasPrefix("~") {
                    do { _ = try NSRegularExpression(pattern: String(text.dropFirst())) } catch { throw path.error("invalid regex: \(error)") }
                } else if !text.hasPrefix("/") {
                    throw path.error("must start with / (or ~ for a regex)")
                }
                route.paths.append(text)
            }
        }
        if let methods = field.child("methods") { route.methods = try methods.strings().map { $0.uppercased() } }
        if let hosts = field.child("hosts") {
            for host in try hosts.items() {
                let text = try host.string().lowercased()
                if text.contains("*"), !(text.hasPrefix("*.") || text.hasSuffix(".*")) || text.filter({ $0 == "*" }).count > 1 {
                    throw host.error("a wildcard must be the leftmost or rightmost label (*.example.com or example.*)")
                }
                route.hosts.append(text)
            }
        }
        if let headers = field.child("headers") {
            for (name, values) in try headers.entries() {
                guard name.lowercased() != "host" else { throw values.error("use hosts: to match the Host header") }
                route.headers[name.lowercased()] = try values.strings()
            }
        }
        if let value = field.child("strip_path") { route.stripPath = try value.bool() }
        if let value = field.child("preserve_host") { route.preserveHost = try value.bool() }
        if let value = field.child("regex_priority") { route.regexPriority = try value.int() }
        if let protocols = field.child("protocols") {
            for item in try protocols.items() where !["http", "https"].contains(try item.string()) {
                throw item.error("only http and https routes are supported")
            }
        }
        guard !(route.paths.isEmpty && route.methods.isEmpty && route.hosts.isEmpty && route.headers.isEmpty) else {
            throw field.error("a route needs at least one of paths, methods, hosts or headers")
        }
        configuration.routes.append(route)
        if let plugins = field.child("plugins") {
            for plugin in try plugins.items() { try parsePlugin(plugin, scope: .route(configuration.routes.count - 1)) }
        }
    }

    private mutating func parseUpstream(_ field: YAMLField) throws {
        guard let nameField = field.child("name") else { throw field.error("name is required") }
        var upstream = KongUpstream(name: try nameField.string())
        if let value = field.child("algorithm") {
            guard let algorithm = KongUpstream.Algorithm(rawValue: try value.string()) else {
                throw value.error("expected round-robin, least-connections or consistent-hashing")
            }
            upstream.algorithm = algorithm
        }
        if let value = field.child("hash_on") {
            let text = try value.string()
            guard ["none", "ip", "header", "path", "consumer", "query_arg"].contains(text) else {
                throw value.error("expected none, ip, header, path, consumer or query_arg")
            }
            upstream.hashOn = text
        }
        upstream.hashOnHeader = try field.child("hash_on_header")?.string()
        upstream.hashOnQueryArg = try field.child("hash_on_query_arg")?.string()
        if upstream.hashOn == "header", upstream.hashOnHeader == nil { throw field.error("hash_on_header is required when hash_on is header") }
        if upstream.hashOn == "query_arg", upstream.hashOnQueryArg == nil {
            throw field.error("hash_on_query_arg is required when hash_on is query_arg")
        }
        if let targets = field.child("targets") {
            for target in try targets.items() { upstream.targets.append(try parseTarget(target)) }
        }
        if let checks = field.child("healthchecks") { upstream.healthChecks = try KongHealthChecksParser.parse(checks) }
        configuration.upstreams.append(upstream)
    }

    private func parseTarget(_ field: YAMLField) throws -> UpstreamTarget {
        guard let targetField = field.child("target") else { throw field.error("target is required") }
        let text = try targetField.string()
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        guard let host = parts.first, !host.isEmpty else { throw targetField.error("expected host:port") }
        var port = 8000
        if parts.count == 2 {
            guard let value = Int(parts[1]), (1...65535).contains(value) else { throw targetField.error("invalid port in \"\(text)\"") }
            port = value
        }
        let weight = try field.child("weight")?.int(min: 0, max: 65535) ?? 100
        var labels: [String: String] = [:]
        for tag in try field.child("tags")?.strings() ?? [] {
            if let separator = tag.firstIndex(where: { $0 == ":" || $0 == "=" }) {
                labels[String(tag[..<separator])] = String(tag[tag.index(after: separator)...])
            }
        }
        return UpstreamTarget(host: host, port: port, weight: weight, labels: labels)
    }

    mutating func parsePlugin(_ field: YAMLField, scope: PluginEntry.Scope) throws {
        guard let nameField = field.child("name") else { throw field.error("name is required") }
        var entry = PluginEntry(name: try nameField.string(), scope: scope, file: file, line: field.line)
        entry.path = field.path
        if let enabled = field.child("enabled") { entry.enabled = try enabled.bool() }
        if let config = field.child("config") { _ = try config.mapping() }
        configuration.plugins.append(entry)
        pluginConfigs.append(field.child("config")?.node)
    }

    /// The `config:` node of each plugin entry, in the order of `configuration.plugins`.
    var pluginConfigs: [Node?] = []
}
