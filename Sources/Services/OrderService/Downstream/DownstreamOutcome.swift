import FlotillaHTTPClient
import Foundation
import NIOCore

/// A downstream's answer to a saga step: done (with its body), or refused for a business reason.
/// Transient failures (5xx, timeouts, connection errors, an open breaker) are thrown instead.
enum DownstreamOutcome: Sendable {
    case done(ByteBuffer)
    case refused(String)

    /// Classifies `response`: 2xx done; 408, 425 and 429 transient (thrown); other 4xx refused, with
    /// the problem's detail when there is one.
    static func classify(_ response: ResilientHTTPResponse, downstream: String) throws -> DownstreamOutcome {
        let code = Int(response.status.code)
        switch code {
        case 200..<300:
            return .done(response.body)
        case 408, 425, 429, 500...:
            throw TransientDownstreamError(downstream: downstream, status: code, body: response.bodyString)
        default:
            return .refused(reason(from: response) ?? "\(downstream) answered \(code)")
        }
    }

    /// The problem's `detail` (or `title`) from a problem+json body.
    static func reason(from response: ResilientHTTPResponse) -> String? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any] else {
            return nil
        }
        return (object["detail"] as? String) ?? (object["title"] as? String)
    }
}

/// A downstream failed in a way that may pass: the saga retries the step.
struct TransientDownstreamError: Error, CustomStringConvertible {
    var downstream: String
    var status: Int
    var body: String
    var description: String { "\(downstream) answered \(status): \(body.prefix(200))" }
}
