import Foundation
import UnixSignals

/// Reloads the configuration on SIGHUP and when the file changes (polled once a second). A new configuration only
/// replaces the old one when it loads without error; otherwise the error (file, line, field) is reported and the old
/// configuration keeps serving. In-flight requests finish on the configuration they started with.
public final class ConfigurationReloader: Sendable {
    private let runtime: GatewayRuntime
    private let report: @Sendable (String) -> Void

    public init(runtime: GatewayRuntime, report: @escaping @Sendable (String) -> Void) {
        self.runtime = runtime
        self.report = report
    }

    /// Reloads now; returns true when the new configuration is serving.
    @discardableResult
    public func reloadNow(reason: String) -> Bool {
        do {
            let snapshot = try runtime.reload()
            report(
                "configuration reloaded (\(reason)): \(snapshot.configuration.services.count) services, \(snapshot.configuration.routes.count) routes"
            )
            return true
        } catch {
            report("configuration rejected (\(reason)), still serving the previous one: \(error)")
            return false
        }
    }

    /// Watches SIGHUP and the file until the task is cancelled.
    public func run(pollInterval: Duration = .seconds(1)) async {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for await _ in signals { self.reloadNow(reason: "SIGHUP") }
            }
            group.addTask {
                guard let path = self.runtime.configurationPath else { return }
                var last = Self.fingerprint(path)
                while !Task.isCancelled {
                    try? await Task.sleep(for: pollInterval)
                    let current = Self.fingerprint(path)
                    if current != last {
                        last = current
                        self.reloadNow(reason: "file changed")
                    }
                }
            }
            await group.next()
            group.cancelAll()
        }
    }

    private static func fingerprint(_ path: String) -> String {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { return "" }
        let date = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        let size = (attributes[.size] as? NSNumber)?.intValue ?? 0
        return "\(date)-\(size)"
    }
}
