import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// A client connection that sends raw bytes and keeps every byte it receives, for tests that look at responses
/// byte by byte and send several requests on one kept-alive connection.
final class RawClientConnection: Sendable {
    struct TimedOut: Error, CustomStringConvertible {
        var received: String
        var description: String { "timed out; received so far: \(received.debugDescription)" }
    }

    private let channel: any Channel
    private let inbox: RawInbox

    static func connect(port: Int) async throws -> RawClientConnection {
        let inbox = RawInbox()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(inbox) } }
            .connect(host: "127.0.0.1", port: port)
            .get()
        return RawClientConnection(channel: channel, inbox: inbox)
    }

    private init(channel: any Channel, inbox: RawInbox) {
        self.channel = channel
        self.inbox = inbox
    }

    /// Everything received so far, as text.
    var received: String { String(decoding: inbox.bytes, as: UTF8.self) }
    /// Whether the gateway closed the connection.
    var isClosed: Bool { inbox.closed }

    func send(_ text: String) async throws {
        try await channel.writeAndFlush(ByteBuffer(string: text))
    }

    /// Waits until `condition` holds for the text received so far (checked every 10 ms) and returns that text.
    @discardableResult
    func waitUntil(timeout: TimeAmount = .seconds(5), _ condition: (String) -> Bool) async throws -> String {
        let deadline = NIODeadline.now() + timeout
        while true {
            let text = received
            if condition(text) { return text }
            guard NIODeadline.now() < deadline else { throw TimedOut(received: text) }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    /// Waits until `count` complete responses with a Content-Length (or heads, for HEAD requests: `headOnly`) have
    /// arrived, and returns the text.
    @discardableResult
    func waitForResponses(_ count: Int, headOnly: Set<Int> = []) async throws -> String {
        try await waitUntil { RawResponses.split($0, headOnly: headOnly).count >= count }
    }

    /// Waits until `count` status lines (`HTTP/1.1 `) have arrived, looking every 100 ms: for floods of responses,
    /// where splitting the text every 10 ms would keep a thread of the test pool busy.
    @discardableResult
    func waitForStatusLines(_ count: Int, timeout: TimeAmount) async throws -> String {
        let deadline = NIODeadline.now() + timeout
        while Self.statusLines(in: inbox.bytes) < count {
            guard NIODeadline.now() < deadline else { throw TimedOut(received: received) }
            try await Task.sleep(for: .milliseconds(100))
        }
        return received
    }

    private static func statusLines(in bytes: [UInt8]) -> Int {
        let marker = Array("HTTP/1.1 ".utf8)
        var found = 0
        var index = 0
        while index + marker.count <= bytes.count {
            if bytes[index] == marker[0], bytes[index..<index + marker.count].elementsEqual(marker) {
                found += 1
                index += marker.count
            } else {
                index += 1
            }
        }
        return found
    }

    /// Waits until the gateway closes the connection and returns everything received.
    @discardableResult
    func waitForClose(timeout: TimeAmount = .seconds(5)) async throws -> String {
        try await waitUntil(timeout: timeout) { _ in self.isClosed }
    }

    func close() async {
        try? await channel.close()
    }
}

/// Collects a connection's bytes and notices its close.
private final class RawInbox: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    private let state = NIOLockedValueBox((bytes: [UInt8](), closed: false))

    var bytes: [UInt8] { state.withLockedValue { $0.bytes } }
    var closed: Bool { state.withLockedValue { $0.closed } }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        state.withLockedValue { $0.bytes += Array(buffer.readableBytesView) }
    }

    func channelInactive(context: ChannelHandlerContext) {
        state.withLockedValue { $0.closed = true }
        context.fireChannelInactive()
    }
}

/// A response as received: its head (status line and fields, without the blank line) and its body.
struct RawResponse {
    var head: String
    var body: String

    var statusLine: String { head.components(separatedBy: "\r\n").first ?? "" }
    var status: Int? { Int(statusLine.split(separator: " ").dropFirst().first ?? "") }

    /// The value of the first field named `name` (any case).
    func field(_ name: String) -> String? {
        for line in head.components(separatedBy: "\r\n").dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            if line[..<colon].lowercased() == name.lowercased() {
                return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
        }
        return nil
    }
}

/// Splits received text into complete responses framed by Content-Length (a test-side reader independent of the
/// gateway's framer; chunked and close-delimited bodies are checked byte for byte by the tests instead).
enum RawResponses {
    /// The first head, and everything after its blank line as the body (for chunked and close-delimited bodies,
    /// compared byte for byte); nil before a whole head arrived.
    static func whole(_ text: String) -> RawResponse? {
        guard let end = text.range(of: "\r\n\r\n") else { return nil }
        return RawResponse(head: String(text[..<end.lowerBound]), body: String(text[end.upperBound...]))
    }

    /// - Parameter headOnly: indexes of responses that answer HEAD requests (no body whatever they declare).
    static func split(_ text: String, headOnly: Set<Int> = []) -> [RawResponse] {
        var responses: [RawResponse] = []
        var rest = Substring(text)
        while let end = rest.range(of: "\r\n\r\n") {
            let head = String(rest[..<end.lowerBound])
            var response = RawResponse(head: head, body: "")
            let bodyStart = rest.utf8.index(end.upperBound, offsetBy: 0)
            let length = headOnly.contains(responses.count) ? 0 : Int(response.field("content-length") ?? "0") ?? 0
            guard rest.utf8.distance(from: bodyStart, to: rest.utf8.endIndex) >= length else { break }
            let bodyEnd = rest.utf8.index(bodyStart, offsetBy: length)
            response.body = String(rest[bodyStart..<bodyEnd])
            responses.append(response)
            rest = rest[bodyEnd...]
        }
        return responses
    }
}
