import HTTPTypes
import Yams

/// Kong's request-size-limiting plugin `config`: `allowed_payload_size` (128) in `size_unit` (megabytes; also
/// kilobytes, bytes; powers of 1024 as Kong counts them) and `require_content_length` (false).
struct RequestSizeLimitingPluginConfiguration: Sendable, Hashable {
    var allowedPayloadSize = 128
    var sizeUnit = "megabytes"
    var requireContentLength = false

    /// The limit in bytes.
    var allowedBytes: Int {
        switch sizeUnit {
        case "bytes": allowedPayloadSize
        case "kilobytes": allowedPayloadSize * 1_024
        default: allowedPayloadSize * 1_048_576
        }
    }

    init(_ node: Yams.Node?) throws {
        let config = try PluginConfigReader(node)
        try config.rejectUnknownFields(["allowed_payload_size", "size_unit", "require_content_length"])
        allowedPayloadSize = try config.int("allowed_payload_size", default: 128, in: 0...(1 << 40))
        sizeUnit = try config.oneOf("size_unit", ["megabytes", "kilobytes", "bytes"], default: "megabytes")
        requireContentLength = try config.bool("require_content_length", default: false)
    }
}

/// Kong's `request-size-limiting` plugin: 413 `{"message":"Request size limit exceeded"}` when the declared
/// Content-Length is over the limit; 411 when `require_content_length` and there is none. For bodies without a
/// length it sets ``GatewayExchange/maximumBodyBytes``, which the proxy enforces while streaming.
struct RequestSizeLimitingPlugin: SynchronousGatewayPlugin {
    let name = "request-size-limiting"
    let priority = 951
    let filtersHeaders = false
    let configuration: RequestSizeLimitingPluginConfiguration

    func accessSynchronously(_ exchange: inout GatewayExchange) -> GatewayPluginResponse? {
        let limit = configuration.allowedBytes
        let declared = exchange.declaredBodyLength ?? exchange.request.headerFields[.contentLength].flatMap { Int($0) }
        if let declared {
            if declared > limit { return .requestSizeLimitExceeded }
        } else if configuration.requireContentLength {
            return .kongError(.lengthRequired, message: "A valid Content-Length header is required")
        }
        exchange.maximumBodyBytes = min(exchange.maximumBodyBytes ?? .max, limit)
        return nil
    }
}
