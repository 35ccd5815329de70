import Instrumentation
import NIOHTTP1

/// Writes trace context (e.g. `traceparent`) into outgoing `HTTPHeaders`.
public struct HTTPHeadersInjector: Injector {
    /// Creates the injector.
    public init() {}

    public func inject(_ value: String, forKey key: String, into carrier: inout HTTPHeaders) {
        carrier.replaceOrAdd(name: key, value: value)
    }
}
