import AsyncHTTPClient
import FlotillaResilience
import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Retry decisions for service-to-service HTTP: 502/503/504 (honouring `Retry-After`) and
/// connection failures (refused, reset, closed, connect timeout) are retried; 4xx, other
/// statuses, cancellation, an open breaker and a full bulkhead are not.
public struct HTTPRetryClassifier: RetryClassifier {
    /// Creates the classifier.
    public init() {}

    public func decision(for error: any Error, attempt: Int) -> RetryDecision {
        switch error {
        case let status as HTTPStatusError:
            return status.retryDecision
        case is TimeoutError:
            return .retry
        case let error as HTTPClientError:
            switch error {
            case .connectTimeout, .remoteConnectionClosed, .getConnectionFromPoolTimeout, .readTimeout:
                return .retry
            default:
                return .doNotRetry
            }
        case is NIOConnectionError:
            return .retry
        case let error as ChannelError:
            switch error {
            case .connectTimeout, .ioOnClosedChannel, .eof, .outputClosed, .inputClosed, .alreadyClosed:
                return .retry
            default:
                return .doNotRetry
            }
        case let error as IOError:
            switch error.errnoCode {
            case ECONNREFUSED, ECONNRESET, EPIPE, ECONNABORTED, ETIMEDOUT, EHOSTUNREACH, ENETUNREACH:
                return .retry
            default:
                return .doNotRetry
            }
        default:
            return .doNotRetry
        }
    }
}
