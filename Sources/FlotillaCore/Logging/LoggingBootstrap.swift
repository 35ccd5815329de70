import Foundation
import Logging
import OTel

/// Sets up swift-log for a service process: JSON lines when stdout is not a terminal (or
/// `LOG_FORMAT=json`), readable text otherwise; every line carries `trace_id` and `span_id` of the
/// current span when there is one.
public enum LoggingBootstrap {
    /// The format to use when the configuration leaves it open.
    public static func effectiveFormat(_ configured: LogFormat?) -> LogFormat {
        configured ?? (isatty(STDOUT_FILENO) == 1 ? .text : .json)
    }

    /// Bootstraps the logging system once per process; later calls do nothing.
    public static func bootstrap(service: String, level: Logger.Level, format: LogFormat?) {
        ProcessBootstrap.once(.logging) {
            let provider = OTel.makeLoggingMetadataProvider(configuration: .default)
            switch effectiveFormat(format) {
            case .json:
                LoggingSystem.bootstrap(
                    { label, provider in JSONLogHandler(label: label, service: service, level: level, metadataProvider: provider) },
                    metadataProvider: provider
                )
            case .text:
                LoggingSystem.bootstrap(
                    { label, provider in
                        var handler = StreamLogHandler.standardOutput(label: label, metadataProvider: provider)
                        handler.logLevel = level
                        return handler
                    },
                    metadataProvider: provider
                )
            }
        }
    }
}
