import FlotillaCore
import Testing

@Suite struct ServiceConfigurationTests {
    let defaults = ServiceConfiguration(serviceName: "user-service", port: 9001)

    @Test func defaultsApplyWithNothingSet() throws {
        let configuration = try ServiceConfiguration.load(defaults: defaults, environment: [:])
        #expect(configuration == defaults)
        #expect(configuration.resolvedDatabase == .sqlite(path: ".flotilla/data/user-service.sqlite"))
        #expect(configuration.maxBodySize == 1 << 20)
        #expect(configuration.shutdownGracePeriod == .seconds(10))
    }

    @Test func environmentOverridesDefaultsAndFlagsOverrideEnvironment() throws {
        let environment = ["PORT": "9100", "LOG_LEVEL": "DEBUG", "DATA_DIR": "/tmp/x", "MAX_BODY_SIZE": "2MiB"]
        let fromEnvironment = try ServiceConfiguration.load(defaults: defaults, environment: environment)
        #expect(fromEnvironment.port == 9100)
        #expect(fromEnvironment.logLevel == .debug)
        #expect(fromEnvironment.dataDirectory == "/tmp/x")
        #expect(fromEnvironment.maxBodySize == 2 << 20)
        let withFlags = try ServiceConfiguration.load(defaults: defaults, flags: [.port: "9200"], environment: environment)
        #expect(withFlags.port == 9200)
        #expect(withFlags.dataDirectory == "/tmp/x")
    }

    @Test(arguments: [
        ("PORT", "abc", "PORT=abc is invalid: expected an integer from 0 to 65535"),
        ("PORT", "70000", "PORT=70000 is invalid: expected an integer from 0 to 65535"),
        ("LOG_LEVEL", "loud", "LOG_LEVEL=loud is invalid: expected one of trace, debug, info, notice, warning, error, critical"),
        ("LOG_FORMAT", "xml", "LOG_FORMAT=xml is invalid: expected json or text"),
        ("SERVICE_NAME", "User Service", "SERVICE_NAME=User Service is invalid: expected 1 to 63 lowercase letters, digits or '-'"),
        (
            "SHUTDOWN_GRACE_PERIOD", "soon",
            "SHUTDOWN_GRACE_PERIOD=soon is invalid: expected a duration such as 10s, 500ms or 2m (a bare number is seconds)"
        ),
        (
            "MAX_BODY_SIZE", "-1",
            "MAX_BODY_SIZE=-1 is invalid: expected a positive number of bytes, optionally with KiB or MiB (1048576, 512KiB, 1MiB)"
        ),
        (
            "OTEL_EXPORTER_OTLP_ENDPOINT", "collector:4318",
            "OTEL_EXPORTER_OTLP_ENDPOINT=collector:4318 is invalid: expected an http:// or https:// URL such as http://localhost:4318"
        ),
    ])
    func aWrongValueIsOneLineNamingVariableValueAndWhatIsAllowed(variable: String, value: String, message: String) {
        #expect(throws: ConfigurationError.self) {
            try ServiceConfiguration.load(defaults: defaults, environment: [variable: value])
        }
        do {
            _ = try ServiceConfiguration.load(defaults: defaults, environment: [variable: value])
        } catch {
            #expect(error.description == message)
            #expect(!error.description.contains("\n"))
        }
    }

    @Test(arguments: ["mysql://u:p@h/db", "postgres://", "postgres://host", "postgres://u:p@host:notaport/db", "nonsense"])
    func aMalformedDatabaseURLIsRejectedWithoutLeakingThePassword(url: String) {
        do {
            _ = try ServiceConfiguration.load(defaults: defaults, environment: ["DATABASE_URL": url])
            Issue.record("\(url) was accepted")
        } catch {
            #expect(error.variable == "DATABASE_URL")
            #expect(!error.description.contains(":p@"))
        }
    }

    @Test func databaseURLsThatAreAccepted() throws {
        let postgres = try ServiceConfiguration.load(defaults: defaults, environment: ["DATABASE_URL": "postgres://app:s3cret@db:5432/users"])
        #expect(postgres.resolvedDatabase == .postgres(url: "postgres://app:s3cret@db:5432/users"))
        #expect(postgres.resolvedDatabase.description == "postgres://app:***@db/users")
        let sqlite = try ServiceConfiguration.load(defaults: defaults, environment: ["DATABASE_URL": "sqlite:/var/data/u.sqlite"])
        #expect(sqlite.resolvedDatabase == .sqlite(path: "/var/data/u.sqlite"))
    }

    @Test func theRegistryComesFromRegistryURLOrConsulHTTPAddr() throws {
        let fromConsul = try ServiceConfiguration.load(defaults: defaults, environment: ["CONSUL_HTTP_ADDR": "127.0.0.1:8500"])
        #expect(fromConsul.registryURL == "http://127.0.0.1:8500")
        let both = try ServiceConfiguration.load(
            defaults: defaults,
            environment: ["REGISTRY_URL": "http://registry:8500/", "CONSUL_HTTP_ADDR": "consul:8500", "REGISTRY_CHECK_INTERVAL": "2s"]
        )
        #expect(both.registryURL == "http://registry:8500")
        #expect(both.registryCheckInterval == .seconds(2))
        #expect(try ServiceConfiguration.load(defaults: defaults, environment: [:]).registryURL == nil)
        #expect(throws: ConfigurationError.self) {
            try ServiceConfiguration.load(defaults: defaults, environment: ["REGISTRY_URL": "http:// bad"])
        }
        #expect(throws: ConfigurationError.self) {
            try ServiceConfiguration.load(defaults: defaults, environment: ["REGISTRY_DEREGISTER_AFTER": "0s"])
        }
    }

    @Test func durationsAndByteCounts() {
        #expect(ConfigurationParsers.duration("10s") == .seconds(10))
        #expect(ConfigurationParsers.duration("500ms") == .milliseconds(500))
        #expect(ConfigurationParsers.duration("2m") == .seconds(120))
        #expect(ConfigurationParsers.duration("1.5") == .milliseconds(1500))
        #expect(ConfigurationParsers.duration("-1s") == nil)
        #expect(ConfigurationParsers.duration("ten") == nil)
        #expect(ConfigurationParsers.byteCount("512KiB") == 512 * 1024)
        #expect(ConfigurationParsers.byteCount("1mb") == 1_000_000)
        #expect(ConfigurationParsers.byteCount("12") == 12)
        #expect(ConfigurationParsers.byteCount("99999999999999999999GiB") == nil)
    }
}
