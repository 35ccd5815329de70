import Foundation
import Yams

/// Loads a gateway configuration from YAML: Kong declarative documents and Istio documents, in one file separated
/// by `---` or in several files. Every error names the file, the line and the field.
public enum GatewayConfigurationLoader {
    /// Loads and validates the file at `path`.
    public static func load(path: String, plugins: PluginBuilding? = nil) throws -> GatewayConfiguration {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw GatewayConfigurationError(file: path, line: nil, field: "", message: "cannot read the file")
        }
        return try parse(text, file: path, plugins: plugins)
    }

    /// Parses YAML text; `file` is used in error messages.
    public static func parse(_ text: String, file: String, plugins: PluginBuilding? = nil) throws -> GatewayConfiguration {
        var parser = KongDeclarativeParser(configuration: GatewayConfiguration(), file: file)
        var documents: [Node] = []
        do {
            let yaml = try Yams.Parser(yaml: text)
            while let node = try yaml.nextRoot() { documents.append(node) }
        } catch let error as YamlError {
            throw syntaxError(error, file: file)
        }
        for node in documents {
            let document = YAMLField(node: node, path: "", file: file)
            guard node.mapping != nil else {
                if node.null != nil { continue }
                throw document.error("expected a Kong declarative configuration or an Istio document")
            }
            if document.child("kind") != nil || document.child("apiVersion") != nil {
                try IstioParser.parse(document, into: &parser.configuration)
            } else {
                try parser.parse(document)
            }
        }
        try validateReferences(parser.configuration, file: file)
        if let plugins {
            let factory = plugins.makeFactory(ConsumerDirectory(parser.configuration.consumers))
            for (index, entry) in parser.configuration.plugins.enumerated() where entry.enabled {
                do {
                    parser.configuration.pluginInstances[index] = try factory.make(name: entry.name, config: parser.pluginConfigs[index])
                } catch let error as GatewayPluginConfigurationError {
                    throw GatewayConfigurationError(
                        file: file,
                        line: error.line ?? entry.line,
                        field: "\(entry.path).\(error.field)",
                        message: error.message
                    )
                }
            }
        }
        return parser.configuration
    }

    private static func validateReferences(_ configuration: GatewayConfiguration, file: String) throws {
        for route in configuration.routes where route.serviceIndex == nil {
            throw GatewayConfigurationError(file: file, line: route.line, field: "routes", message: "a route needs a service")
        }
        for service in configuration.virtualServices {
            for rule in service.http {
                for destination in rule.destinations {
                    guard let subset = destination.subset else { continue }
                    let rule2 = configuration.destinationRules.first { HostName.matches(rule: $0.host, host: destination.host) }
                    guard let rule2, rule2.subsets.contains(where: { $0.name == subset }) else {
                        throw GatewayConfigurationError(
                            file: file,
                            line: rule.line,
                            field: "VirtualService \(service.name): route.destination.subset",
                            message: "no DestinationRule defines subset \"\(subset)\" for host \(destination.host)"
                        )
                    }
                }
            }
        }
    }

    private static func syntaxError(_ error: YamlError, file: String) -> GatewayConfigurationError {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            return GatewayConfigurationError(file: file, line: mark.line, field: "", message: "YAML syntax error: \(problem)")
        default:
            return GatewayConfigurationError(file: file, line: nil, field: "", message: "YAML syntax error: \(error)")
        }
    }
}

/// How a loader builds plugin instances: a factory over the configuration's consumers.
public struct PluginBuilding: Sendable {
    public let makeFactory: @Sendable (ConsumerDirectory) -> GatewayPluginFactory

    public init(makeFactory: @escaping @Sendable (ConsumerDirectory) -> GatewayPluginFactory) { self.makeFactory = makeFactory }

    /// Kong's bundled plugins with the given services.
    public static func kong(_ services: PluginServices) -> PluginBuilding {
        PluginBuilding { GatewayPluginFactory(consumers: $0, services: services) }
    }
}

/// Host names as Istio compares them: `user-service` equals `user-service.default.svc.cluster.local`.
enum HostName {
    static func matches(rule: String, host: String) -> Bool {
        rule == host || rule.hasPrefix(host + ".") || host.hasPrefix(rule + ".") || rule == "*"
    }
}
