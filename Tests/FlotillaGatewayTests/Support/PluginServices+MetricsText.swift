@testable import FlotillaGateway

extension PluginServices {
    /// The plugins' metrics registry as Prometheus text (what `/metrics` adds to the gateway's own).
    var metricsText: String {
        var text: [UInt8] = []
        metricsRegistry.emit(into: &text)
        return String(decoding: text, as: UTF8.self)
    }

    /// ``metricsText`` once `ready` holds for it (a log phase runs as its response leaves), or after two seconds.
    func metricsText(once ready: (String) -> Bool) async throws -> String {
        for _ in 0..<200 {
            let text = metricsText
            if ready(text) { return text }
            try await Task.sleep(for: .milliseconds(10))
        }
        return metricsText
    }
}
