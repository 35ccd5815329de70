import NIOCore
import NIOEmbedded
import NIOHTTP1
import Testing

@testable import FlotillaGateway

/// NIO's llhttp-based `HTTPRequestDecoder`, set up as the gateway's NIO data plane sets it up, as the reference a
/// `.plain` ``PlainRequestHead`` must agree with: same method, URI, version, fields in order, keep-alive and length.
enum LLHTTPReference {
    /// What the decoder emitted after each piece written to it, and the error it raised, if any.
    struct Reading {
        var partsPerPiece: [[HTTPServerRequestPart]] = []
        var error: (any Error)?

        var parts: [HTTPServerRequestPart] { partsPerPiece.flatMap { $0 } }
    }

    /// Writes the pieces, one `channelRead` each, to a fresh decoder; stops at the first error.
    static func read(_ pieces: [[UInt8]]) -> Reading {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .forwardBytes)))
        defer { _ = try? channel.finish() }
        var reading = Reading()
        for piece in pieces {
            do {
                try channel.writeInbound(ByteBuffer(bytes: piece))
            } catch {
                reading.error = error
            }
            var parts: [HTTPServerRequestPart] = []
            while let part = try? channel.readInbound(as: HTTPServerRequestPart.self) { parts.append(part) }
            reading.partsPerPiece.append(parts)
            if reading.error != nil { break }
        }
        return reading
    }

    /// Whether llhttp takes the bytes for a request head without an error (whatever it makes of them).
    static func accepts(_ bytes: [UInt8]) -> Bool {
        let reading = read([bytes])
        guard reading.error == nil, case .head = reading.parts.first else { return false }
        return true
    }

    /// A way llhttp's reading of a head differs from the parser's.
    struct Disagreement: CustomStringConvertible {
        let description: String
        /// Set when the difference is one already reported to the parser's owner.
        var known: KnownDisagreement?
    }

    /// Disagreements these tests found once (the parser now refuses such heads); named when one comes back.
    enum KnownDisagreement: String, CaseIterable {
        case trailingBlanks = "llhttp keeps blanks (SP, HT) at the end of a field value; the parser drops them"
        case repeatedContentLength = "llhttp refuses a repeated Content-Length (even 0 twice); the parser takes it"
        case proxyConnection = "llhttp reads Proxy-Connection: close as Connection: close (not keep-alive); the parser ignores it"
        case closeThenTab = "llhttp does not see a Connection close token followed by blanks with an HT (keep-alive); the parser does"
        case tabAfterContentLength = "llhttp refuses Content-Length: 0 followed by blanks with an HT; the parser takes it"
    }

    /// How llhttp's reading of `bytes` differs from `head`, which the parser read from them; empty when the two agree.
    /// The head's bytes go to llhttp without the last one, then the last one: llhttp must emit nothing before it
    /// (else its head ends earlier) and a head and an end right after it (else its head is longer, or has a body).
    static func disagreements(with head: PlainRequestHead, in bytes: [UInt8]) -> [Disagreement] {
        guard head.length >= 1, head.length <= bytes.count else {
            return [Disagreement(description: "the parser's length \(head.length) is outside the input")]
        }
        let reading = read([Array(bytes[..<(head.length - 1)]), [bytes[head.length - 1]]])
        let headers = bytes.withUnsafeBytes { head.headers(in: $0) }
        let names = headers.map { $0.name.lowercased() }
        var problems: [Disagreement] = []
        if let error = reading.error {
            var known: KnownDisagreement?
            if names.filter({ $0 == "content-length" }).count > 1, error as? HTTPParserError == .unexpectedContentLength {
                known = .repeatedContentLength
            } else if error as? HTTPParserError == .invalidContentLength, contentLengthLineEndsInTab(bytes[..<head.length]) {
                known = .tabAfterContentLength
            }
            problems.append(Disagreement(description: "llhttp refused the head: \(error)", known: known))
            return problems
        }
        if let early = reading.partsPerPiece.first, !early.isEmpty {
            problems.append(Disagreement(description: "llhttp emitted \(early) before the head's last byte"))
        }
        let parts = reading.parts
        guard parts.count == 2, case .head(let reference) = parts[0], case .end(let trailers) = parts[1], trailers == nil else {
            problems.append(Disagreement(description: "llhttp emitted \(parts) instead of one head and an end"))
            return problems
        }
        if reference.method.rawValue != head.method {
            problems.append(Disagreement(description: "method: llhttp \(reference.method.rawValue), parser \(head.method)"))
        }
        if reference.uri != head.uri {
            problems.append(Disagreement(description: "uri: llhttp \(reference.uri.debugDescription), parser \(head.uri.debugDescription)"))
        }
        if reference.version != .http1_1 { problems.append(Disagreement(description: "version: llhttp \(reference.version)")) }
        let referenceFields = reference.headers.map { [$0.name, $0.value] }
        let fields = headers.map { [$0.name, $0.value] }
        if referenceFields != fields {
            let onlyBlanks = referenceFields.map { [$0[0], trimmingTrailingBlanks($0[1])] } == fields
            problems.append(
                Disagreement(description: "fields: llhttp \(referenceFields), parser \(fields)", known: onlyBlanks ? .trailingBlanks : nil)
            )
        }
        let hosts = reference.headers["host"]
        if hosts.count != 1 || hosts[0] != head.host {
            let onlyBlanks = hosts.count == 1 && trimmingTrailingBlanks(hosts[0]) == head.host
            problems.append(
                Disagreement(
                    description: "host: llhttp's fields say \(hosts), parser \(head.host.debugDescription)",
                    known: onlyBlanks ? .trailingBlanks : nil
                )
            )
        }
        if reference.isKeepAlive != head.keepAlive {
            var known: KnownDisagreement?
            if !reference.isKeepAlive, names.contains("proxy-connection") {
                known = .proxyConnection
            } else if reference.isKeepAlive, reference.headers["connection"].contains(where: { closeThenTab($0) }) {
                known = .closeThenTab
            }
            problems.append(Disagreement(description: "keep-alive: llhttp \(reference.isKeepAlive), parser \(head.keepAlive)", known: known))
        }
        return problems
    }

    /// Records an issue for each way llhttp's reading differs from `head` (a known issue for a known disagreement),
    /// with the head's exact bytes; returns the disagreements.
    @discardableResult
    static func expectAgreement(
        with head: PlainRequestHead,
        in bytes: [UInt8],
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> [Disagreement] {
        let problems = disagreements(with: head, in: bytes)
        for problem in problems {
            let report = Comment(rawValue: "\"\(HeadMutator.escaped(bytes[..<min(head.length, bytes.count)]))\": \(problem)")
            Issue.record(report, sourceLocation: sourceLocation)
        }
        return problems
    }

    /// Whether a Connection value has a close token followed by blanks that include an HT.
    private static func closeThenTab(_ value: String) -> Bool {
        value.lowercased().split(separator: ",").contains { token in
            let blanks = token.drop { $0 == " " || $0 == "\t" }
            guard blanks.hasPrefix("close") else { return false }
            let rest = blanks.dropFirst(5)
            return rest.contains("\t") && rest.allSatisfy { $0 == " " || $0 == "\t" }
        }
    }

    /// Whether a Content-Length field line of the head ends in blanks that include an HT.
    private static func contentLengthLineEndsInTab(_ head: ArraySlice<UInt8>) -> Bool {
        String(decoding: head, as: UTF8.self).lowercased().split(separator: "\r\n").contains { line in
            line.hasPrefix("content-length:") && line.reversed().prefix { $0 == " " || $0 == "\t" }.contains("\t")
        }
    }

    private static func trimmingTrailingBlanks(_ value: String) -> String {
        String(value.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}

extension PlainRequestHead {
    static func parse(bytes: [UInt8]) -> Outcome { bytes.withUnsafeBytes { parse($0) } }

    static func parse(text: String) -> Outcome { parse(bytes: Array(text.utf8)) }
}

extension PlainRequestHead.Outcome {
    var plainHead: PlainRequestHead? {
        if case .plain(let head) = self { return head }
        return nil
    }

    var isNotPlain: Bool {
        if case .notPlain = self { return true }
        return false
    }

    var isIncomplete: Bool {
        if case .incomplete = self { return true }
        return false
    }
}
