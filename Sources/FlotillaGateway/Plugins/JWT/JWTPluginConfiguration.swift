import HTTPTypes
import Yams

/// Kong's jwt plugin `config`, with Kong's defaults, plus `jwks_uri` (an extension: RS/ES tokens whose key claim
/// matches no consumer credential are checked against the keys published at that URL).
struct JWTPluginConfiguration: Sendable, Hashable {
    var uriParamNames = ["jwt"]
    var cookieNames: [String] = []
    /// `header_names`, parsed once (invalid names are refused while loading).
    var headerFields: [HTTPField.Name] = [.authorization]
    var keyClaimName = "iss"
    var secretIsBase64 = false
    var claimsToVerify: [String] = []
    var anonymous: String?
    var runOnPreflight = true
    var maximumExpiration = 0
    var jwksURI: String?
    var jwksRefetchInterval = 10

    init() {}

    init(_ node: Yams.Node?) throws {
        let config = try PluginConfigReader(node)
        try config.rejectUnknownFields([
            "uri_param_names", "cookie_names", "header_names", "key_claim_name", "secret_is_base64", "claims_to_verify",
            "anonymous", "run_on_preflight", "maximum_expiration", "realm", "jwks_uri", "jwks_refetch_interval",
        ])
        uriParamNames = try config.strings("uri_param_names", default: uriParamNames)
        cookieNames = try config.strings("cookie_names", default: cookieNames)
        headerFields = try config.strings("header_names", default: ["authorization"]).enumerated().map { index, name in
            guard let field = HTTPFieldNames.make(name) else {
                throw config.error("header_names[\(index + 1)]", "'\(name)' is not a valid header name")
            }
            return field
        }
        keyClaimName = try config.string("key_claim_name", default: keyClaimName)
        secretIsBase64 = try config.bool("secret_is_base64", default: secretIsBase64)
        claimsToVerify = try config.strings("claims_to_verify", default: [])
        for (index, claim) in claimsToVerify.enumerated() where claim != "exp" && claim != "nbf" {
            throw config.error("claims_to_verify[\(index + 1)]", "expected one of: exp, nbf")
        }
        anonymous = try config.string("anonymous")
        runOnPreflight = try config.bool("run_on_preflight", default: runOnPreflight)
        maximumExpiration = try config.int("maximum_expiration", default: 0, in: 0...31_536_000)
        if maximumExpiration > 0 && !claimsToVerify.contains("exp") {
            throw config.error("claims_to_verify", "must contain 'exp' when maximum_expiration is set")
        }
        jwksURI = try config.string("jwks_uri")
        if let uri = jwksURI, !(uri.hasPrefix("http://") || uri.hasPrefix("https://")) {
            throw config.error("jwks_uri", "expected an http or https URL")
        }
        jwksRefetchInterval = try config.int("jwks_refetch_interval", default: 10, in: 0...86_400)
    }
}
