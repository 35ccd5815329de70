import Yams

/// Kong's key-auth plugin `config`, with Kong's defaults. `key_in_body` is refused: the proxy streams bodies.
struct KeyAuthPluginConfiguration: Sendable, Hashable {
    var keyNames = ["apikey"]
    var hideCredentials = false
    var anonymous: String?
    var keyInHeader = true
    var keyInQuery = true
    var runOnPreflight = true
    var realm: String?

    init() {}

    init(_ node: Yams.Node?) throws {
        let config = try PluginConfigReader(node)
        try config.rejectUnknownFields([
            "key_names", "hide_credentials", "anonymous", "key_in_header", "key_in_query", "key_in_body",
            "run_on_preflight", "realm",
        ])
        keyNames = try config.strings("key_names", default: keyNames)
        if keyNames.isEmpty { throw config.error("key_names", "length must be at least 1") }
        for (index, name) in keyNames.enumerated() where HTTPFieldNames.make(name) == nil {
            throw config.error("key_names[\(index + 1)]", "'\(name)' is not a valid header name")
        }
        hideCredentials = try config.bool("hide_credentials", default: false)
        anonymous = try config.string("anonymous")
        keyInHeader = try config.bool("key_in_header", default: true)
        keyInQuery = try config.bool("key_in_query", default: true)
        if try config.bool("key_in_body", default: false) {
            throw config.error("key_in_body", "not supported: the gateway streams request bodies without reading them")
        }
        runOnPreflight = try config.bool("run_on_preflight", default: true)
        realm = try config.string("realm")
    }
}
