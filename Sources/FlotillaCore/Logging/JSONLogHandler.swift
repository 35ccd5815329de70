import Foundation
import Logging

/// A swift-log handler that writes one JSON object per line to standard output.
///
/// Each line has `timestamp` (RFC 3339, UTC, milliseconds), `level`, `service`, `logger`,
/// `message`, then the metadata (provider metadata such as `trace_id` and `span_id` included) as
/// top-level fields. Strings are escaped per RFC 8259, so a line never breaks in two.
public struct JSONLogHandler: LogHandler {
    /// The handler's metadata, merged under the message's own.
    public var metadata: Logger.Metadata = [:]
    /// The metadata provider (the tracing one adds `trace_id` and `span_id`).
    public var metadataProvider: Logger.MetadataProvider?
    /// The lowest level written.
    public var logLevel: Logger.Level
    private let label: String
    private let service: String
    private let output: LogOutput

    /// Creates a handler for `label` that tags lines with `service`.
    public init(
        label: String,
        service: String,
        level: Logger.Level,
        metadataProvider: Logger.MetadataProvider? = nil,
        output: LogOutput = .standardOutput
    ) {
        self.label = label
        self.service = service
        self.logLevel = level
        self.metadataProvider = metadataProvider
        self.output = output
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var line = "{\"timestamp\":\""
        line += LogTimestamp.now()
        line += "\",\"level\":\""
        line += event.level.rawValue
        line += "\",\"service\":"
        JSONString.append(service, to: &line)
        line += ",\"logger\":"
        JSONString.append(label, to: &line)
        line += ",\"message\":"
        JSONString.append(event.message.description, to: &line)
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let own = event.metadata { merged.merge(own) { _, new in new } }
        for key in merged.keys.sorted() {
            line += ","
            JSONString.append(key, to: &line)
            line += ":"
            JSONString.append(merged[key]!, to: &line)
        }
        line += "}\n"
        output.write(line)
    }
}
