import Logging

/// Everything the service kit reads from configuration, validated once at start.
///
/// Values come from, in order of precedence: command-line flags, environment variables
/// (twelve-factor: `PORT`, `SERVICE_NAME`, `DATABASE_URL`, …), then the service's defaults.
/// A value that cannot be used stops the process with one line naming the variable, the value
/// and what is allowed (see ``ConfigurationError``).
///
/// ```swift
/// let configuration = try ServiceConfiguration.load(defaults: .init(serviceName: "user-service", port: 9001))
/// ```
public struct ServiceConfiguration: Sendable, Equatable {
    /// The service's name in logs, metrics, traces and the registry (`SERVICE_NAME`).
    public var serviceName: String
    /// The address to bind (`HOST`, default `127.0.0.1`; `0.0.0.0` in containers).
    public var host: String
    /// The port to listen on (`PORT`).
    public var port: Int
    /// The folder for SQLite files and other local state (`DATA_DIR`, default `.flotilla/data`).
    public var dataDirectory: String
    /// Where the service's database is (`DATABASE_URL`); `nil` means `<dataDirectory>/<serviceName>.sqlite`.
    public var database: DatabaseLocation?
    /// The lowest level that is logged (`LOG_LEVEL`).
    public var logLevel: Logger.Level
    /// The log line format (`LOG_FORMAT`); `nil` picks JSON unless stdout is a terminal.
    public var logFormat: LogFormat?
    /// The OTLP/HTTP collector to export traces to (`OTEL_EXPORTER_OTLP_ENDPOINT`); `nil` exports nothing.
    public var otlpEndpoint: String?
    /// The largest request body accepted, in bytes (`MAX_BODY_SIZE`, default 1 MiB); larger ones get 413.
    public var maxBodySize: Int
    /// How long in-flight requests may take to finish after SIGTERM (`SHUTDOWN_GRACE_PERIOD`, default 10 s).
    public var shutdownGracePeriod: Duration
    /// The registry to register with (`REGISTRY_URL`, else `CONSUL_HTTP_ADDR`); `nil` registers nowhere.
    public var registryURL: String?
    /// How often the registry checks `/health/ready` (`REGISTRY_CHECK_INTERVAL`, default 10 s).
    public var registryCheckInterval: Duration = .seconds(10)
    /// How long the instance may stay critical before the registry removes it (`REGISTRY_DEREGISTER_AFTER`, default 1m).
    public var registryDeregisterAfter: Duration = .seconds(60)

    /// Creates a configuration; the defaults are those of a service started with no settings.
    public init(
        serviceName: String,
        host: String = "127.0.0.1",
        port: Int,
        dataDirectory: String = ".flotilla/data",
        database: DatabaseLocation? = nil,
        logLevel: Logger.Level = .info,
        logFormat: LogFormat? = nil,
        otlpEndpoint: String? = nil,
        maxBodySize: Int = 1 << 20,
        shutdownGracePeriod: Duration = .seconds(10)
    ) {
        self.serviceName = serviceName
        self.host = host
        self.port = port
        self.dataDirectory = dataDirectory
        self.database = database
        self.logLevel = logLevel
        self.logFormat = logFormat
        self.otlpEndpoint = otlpEndpoint
        self.maxBodySize = maxBodySize
        self.shutdownGracePeriod = shutdownGracePeriod
    }

    /// The database to use: `DATABASE_URL` when given, else the service's SQLite file in the data folder.
    public var resolvedDatabase: DatabaseLocation {
        database ?? .sqlite(path: dataDirectory + "/" + serviceName + ".sqlite")
    }
}
