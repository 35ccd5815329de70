import FlotillaGateway
import HTTPTypes
import Testing

@Suite("key-auth plugin")
struct KeyAuthPluginTests {
    static let consumers = ConsumerDirectory([
        GatewayConsumer(username: "alice", keyAuthCredentials: [KeyAuthCredential(id: "cred-1", key: "alice-key")]),
        GatewayConsumer(username: "anon"),
    ])

    static func plugin(_ yaml: String = "") throws -> any GatewayPlugin {
        try PluginTest.factory(consumers: consumers).make(name: "key-auth", config: try PluginTest.config(yaml))
    }

    static func run(_ plugin: any GatewayPlugin, _ exchange: GatewayExchange) async -> (GatewayPluginResponse?, GatewayExchange) {
        var exchange = exchange
        let response = await plugin.access(&exchange)
        return (response, exchange)
    }

    @Test func aKeyInTheHeaderOrQueryAuthenticates() async throws {
        let plugin = try Self.plugin()
        let (byHeader, exchange) = await Self.run(plugin, PluginTest.exchange(headers: [("apikey", "alice-key")]))
        #expect(byHeader == nil)
        #expect(exchange.consumer?.username == "alice")
        #expect(exchange.credentialIdentifier == "cred-1")
        #expect(PluginTest.header(exchange.request.headerFields, "X-Consumer-Username") == "alice")
        #expect(PluginTest.header(exchange.request.headerFields, "X-Credential-Identifier") == "cred-1")
        #expect(PluginTest.header(exchange.request.headerFields, "apikey") == "alice-key")
        let (byQuery, queried) = await Self.run(plugin, PluginTest.exchange("/orders?apikey=alice-key&x=1"))
        #expect(byQuery == nil)
        #expect(queried.request.path == "/orders?apikey=alice-key&x=1")
    }

    @Test func missingAndInvalidKeysGetKongsBodiesAndChallenge() async throws {
        let plugin = try Self.plugin()
        let (missing, _) = await Self.run(plugin, PluginTest.exchange())
        #expect(missing?.status == .unauthorized)
        #expect(PluginTest.body(missing) == #"{"message":"No API key found in request"}"#)
        #expect(missing.flatMap { PluginTest.header($0.headers, "WWW-Authenticate") } == #"Key realm="kong""#)
        let (invalid, exchange) = await Self.run(plugin, PluginTest.exchange(headers: [("apikey", "wrong")]))
        #expect(invalid?.status == .unauthorized)
        #expect(PluginTest.body(invalid) == #"{"message":"Invalid authentication credentials"}"#)
        #expect(exchange.consumer == nil)
        let (duplicate, _) = await Self.run(plugin, PluginTest.exchange("/o?apikey=a&apikey=b"))
        #expect(PluginTest.body(duplicate) == #"{"message":"Duplicate API key found"}"#)
    }

    @Test func hideCredentialsAndKeyPlacesAndAnonymous() async throws {
        let hidden = try Self.plugin("hide_credentials: true\nkey_names: [x-api-key, apikey]")
        let (ok, exchange) = await Self.run(hidden, PluginTest.exchange("/orders?apikey=alice-key&x=1"))
        #expect(ok == nil)
        #expect(exchange.request.path == "/orders?x=1")
        let (okHeader, headerExchange) = await Self.run(hidden, PluginTest.exchange(headers: [("X-API-Key", "alice-key")]))
        #expect(okHeader == nil)
        #expect(PluginTest.header(headerExchange.request.headerFields, "X-API-Key") == nil)

        let headerOnly = try Self.plugin("key_in_query: false")
        #expect(await Self.run(headerOnly, PluginTest.exchange("/orders?apikey=alice-key")).0?.status == .unauthorized)
        let queryOnly = try Self.plugin("key_in_header: false")
        #expect(await Self.run(queryOnly, PluginTest.exchange(headers: [("apikey", "alice-key")])).0?.status == .unauthorized)

        let anonymous = try Self.plugin("anonymous: anon")
        let (passed, anonExchange) = await Self.run(anonymous, PluginTest.exchange())
        #expect(passed == nil)
        #expect(anonExchange.consumer?.username == "anon")
        #expect(PluginTest.header(anonExchange.request.headerFields, "X-Anonymous-Consumer") == "true")
    }

    @Test func configurationErrorsNameTheField() {
        #expect(PluginTest.configurationError("key-auth", "") == nil)
        #expect(PluginTest.configurationError("key-auth", "key_names: []")?.hasPrefix("config.key_names:") == true)
        #expect(PluginTest.configurationError("key-auth", "key_names: ['bad header']")?.hasPrefix("config.key_names[1]:") == true)
        #expect(PluginTest.configurationError("key-auth", "key_in_body: true")?.hasPrefix("config.key_in_body:") == true)
        #expect(PluginTest.configurationError("key-auth", "hide_credentials: 3")?.hasPrefix("config.hide_credentials:") == true)
        #expect(PluginTest.configurationError("nope", "")?.hasPrefix("name: plugin 'nope' not enabled") == true)
    }
}

@Suite("plugin configuration errors")
struct PluginConfigurationErrorTests {
    @Test func errorsCarryTheLineOfTheBadField() throws {
        let yaml = "key_names: [apikey]\nhide_credentials: perhaps\n"
        do {
            _ = try PluginTest.factory().make(name: "key-auth", config: try PluginTest.config(yaml))
            Issue.record("a bad boolean was accepted")
        } catch let error as GatewayPluginConfigurationError {
            #expect(error.field == "config.hide_credentials")
            #expect(error.message == "expected a boolean")
            #expect(error.line == 2)
        }
    }

    @Test func nullFieldsMeanDefaultsAsInKongDeclarativeFiles() throws {
        let yaml = "minute: 10\nsecond: null\nredis_host: null\nheader_name: null"
        #expect(PluginTest.configurationError("rate-limiting", yaml) == nil)
        #expect(PluginTest.configurationError("jwt", "anonymous: null\ncookie_names: ~") == nil)
    }
}
