import AsyncHTTPClient
import NIOCore
import NIOPosix

/// Runs checks over the network as Consul does: an HTTP request (2xx passing, 429 warning,
/// anything else or no answer within the timeout critical) or a TCP connect.
public struct NetworkProber: CheckProber {
    /// The most response body kept as a check's output.
    static let outputLimit = 4096

    /// Creates a prober on the shared HTTP client and event loops.
    public init() {}

    public func probe(_ kind: CheckKind) async -> (status: CheckStatus, output: String) {
        switch kind {
        case .ttl: (.critical, "not an interval check")
        case .http(let probe): await http(probe)
        case .tcp(let address, _, let timeout): await tcp(address, timeout: timeout)
        }
    }

    private func http(_ probe: CheckKind.HTTPProbe) async -> (status: CheckStatus, output: String) {
        var request = HTTPClientRequest(url: probe.url)
        request.method = .init(rawValue: probe.method)
        request.headers.add(name: "User-Agent", value: "Consul Health Check")
        for (name, values) in probe.header { for value in values { request.headers.add(name: name, value: value) } }
        if !probe.body.isEmpty { request.body = .bytes(ByteBuffer(string: probe.body)) }
        do {
            let response = try await HTTPClient.shared.execute(request, timeout: .nanoseconds(probe.timeout.nanoseconds))
            var body = ""
            for try await chunk in response.body {
                body += String(buffer: chunk)
                if body.utf8.count >= Self.outputLimit { break }
            }
            let code = Int(response.status.code)
            let status: CheckStatus = (200..<300).contains(code) ? .passing : code == 429 ? .warning : .critical
            let output = "HTTP \(probe.method) \(probe.url): \(code) \(response.status.reasonPhrase) Output: \(body.prefix(Self.outputLimit))"
            return (status, output)
        } catch {
            return (.critical, "\(probe.method) \"\(probe.url)\": \(error)")
        }
    }

    private func tcp(_ address: String, timeout: Duration) async -> (status: CheckStatus, output: String) {
        guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]) else {
            return (.critical, "dial tcp \(address): missing port in address")
        }
        var host = String(address[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        do {
            let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(.nanoseconds(timeout.nanoseconds))
                .connect(host: host, port: port).get()
            try? await channel.close().get()
            return (.passing, "TCP connect \(address): Success")
        } catch {
            return (.critical, "dial tcp \(address): \(error)")
        }
    }
}
