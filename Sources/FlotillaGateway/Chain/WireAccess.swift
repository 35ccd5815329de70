import HTTPTypes
import NIOHTTP1

/// A plugin whose access phase can also run on a plain request's bytes, as the epoll data plane read them, without
/// the `GatewayExchange` (an `HTTPRequest` whose fields are copied into strings) the usual phases need. It handles
/// the usual case (a cached token, a local counter with room) and leaves every other one to the usual phases.
/// Its log phase, if it has one, must run on bytes too (``WireLogPlugin``): the epoll plane calls no other.
protocol WireAccessPlugin: GatewayPlugin {
    /// Whether this plugin, as configured, can run on bytes at all (decided once, when the route's chain is built).
    var acceptsWireAccess: Bool { get }
    /// Whether ``wireAccess(_:_:)`` changes shared state when it proceeds (a rate-limiting counter). Such a plugin
    /// has to be the last of a chain that runs on bytes but for plugins that never fall back: a later one falling
    /// back would run it twice.
    var countsRequests: Bool { get }
    /// Whether ``wireAccess(_:_:)`` always proceeds (a plugin with nothing to do in its access phase).
    var neverFallsBack: Bool { get }
    /// The access phase on bytes. `.proceed` when it did what ``GatewayPlugin/accessWithoutSuspending(_:)`` would
    /// have done and let the request through (its upstream and response fields written into `state` as that
    /// would have written them); `.fallBack` in every other case, leaving no trace outside `state` (no counter
    /// changed; the chain drops `state`), so that the request runs the usual phases from the first plugin.
    func wireAccess(_ request: WireRequest, _ state: WireAccessState) -> WireAccess
}

extension WireAccessPlugin {
    var countsRequests: Bool { false }
    var neverFallsBack: Bool { false }
}

/// What ``WireAccessPlugin/wireAccess(_:_:)`` decided.
enum WireAccess {
    case proceed
    case fallBack
}

/// A plain request as a ``WireAccessPlugin`` reads it. Valid only during the call it is given to: `bytes` is the
/// connection's input buffer.
struct WireRequest {
    let head: PlainRequestHead
    /// Starts with `head`, as it was parsed.
    let bytes: UnsafeRawBufferPointer
    let clientAddress: String
    let routeName: String?
    let serviceName: String?
    /// What the plugins remember from the connection's earlier requests.
    let memo: WireConnectionMemo

    /// Whether the usual phases would send the client's fields upstream exactly as these bytes hold them, so that
    /// an access phase on bytes can be used: no field the proxy rewrites (`X-Forwarded-*`, `TE`...), none an
    /// authentication removes (`X-Consumer-*`...), and only ASCII (HTTPTypes' strings replace invalid UTF-8).
    var passesFieldsUnchanged: Bool {
        !head.hasForwardingFields && !head.hasConsumerFields
            && Self.isASCII(UnsafeRawBufferPointer(rebasing: bytes[head.fieldsStart..<head.length]))
    }

    /// Whether no byte has its high bit set (eight at a time).
    static func isASCII(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var highBits: UInt64 = 0
        var index = 0
        while index + 8 <= bytes.count {
            highBits |= bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            index += 8
        }
        while index < bytes.count {
            highBits |= UInt64(bytes[index])
            index += 1
        }
        return highBits & 0x8080_8080_8080_8080 == 0
    }

    /// How many fields are named `name` (any case), and the value of the first: the field lookup of a plugin.
    func values(named name: String) -> (count: Int, first: UnsafeRawBufferPointer?) {
        head.values(named: name, in: bytes)
    }
}

/// What the plugins that ran on bytes leave for the rest of the request, as `GatewayExchange` holds it for the
/// usual phases: the consumer, and the fields added upstream and downstream, as header lines (`Name: value\r\n`).
/// A class, used on its loop's thread alone: the plugins fill it in place and the request keeps it until its response
/// head is written (a struct was copied, and each of its references retained, at every step).
final class WireAccessState {
    /// The plugins that ran (for the later phases of a request the NIO plane finishes).
    private(set) var ran: [PluginChain.Scoped]
    /// The plugins with a log phase, for a request the epoll plane finishes.
    private(set) var logs: [any WireLogPlugin]
    /// Set by an authentication (as ``ConsumerAuthentication/authenticate(_:consumer:credential:)`` sets the consumer and
    /// credential): one reference, however many fields the consumer has.
    private(set) var authentication: WireAuthentication?
    /// Lines added to the response, in the order `GatewayExchange.responseHeaders` would hold them.
    var responseFields = WireResponseFields()

    init(ran: [PluginChain.Scoped], logs: [any WireLogPlugin] = []) {
        self.ran = ran
        self.logs = logs
    }

    /// Empties the state for another request of the same connection (keeping its buffer): a connection reuses its
    /// state once no finished request refers to it.
    func reset(ran: [PluginChain.Scoped], logs: [any WireLogPlugin]) {
        self.ran = ran
        self.logs = logs
        authentication = nil
        responseFields.removeAll()
    }

    var isAuthenticated: Bool { authentication != nil }
    var consumer: GatewayConsumer? { authentication?.consumer }
    var credentialIdentifier: String? { authentication?.credential }
    /// The `X-Consumer-*` and `X-Credential-Identifier` lines, sent upstream after the client's fields.
    var consumerFields: [UInt8] { authentication?.upstreamFields ?? [] }

    /// An authentication: replaces the consumer fields of any earlier one, as the usual phases replace them.
    func authenticate(_ authentication: WireAuthentication) {
        self.authentication = authentication
    }
}

/// Header lines a plugin adds to a response (`Name: value\r\n` each), and the lengths of their names: a response
/// head is searched for a field of the same name only where a length matches.
struct WireResponseFields {
    private(set) var lines: [UInt8] = []
    /// Bit `n` is set when a name is `n` bytes long (bit 63 for 63 or more).
    private(set) var nameLengths: UInt64 = 0

    /// Removes every line, keeping the buffer.
    mutating func removeAll() {
        lines.removeAll(keepingCapacity: true)
        nameLengths = 0
    }

    /// Appends `name: value`, written on the stack and appended at once.
    mutating func append(_ name: WireFieldName, _ value: Int) {
        if lines.isEmpty { lines.reserveCapacity(192) }
        nameLengths |= 1 << min(name.length, 63)
        name.lineStart.withUnsafeBufferPointer { start in
            // The name, at most 20 characters of digits and sign, CR LF.
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: start.count + 22) { line in
                _ = line.initialize(fromContentsOf: start)
                var end = start.count + Self.writeDecimal(value, into: UnsafeMutableBufferPointer(rebasing: line[start.count...]))
                line[end] = HeaderBytes.cr
                line[end + 1] = HeaderBytes.lf
                end += 2
                lines.append(contentsOf: UnsafeBufferPointer(rebasing: line[..<end]))
            }
        }
    }

    /// Adds the fields to a head the gateway writes whole, replacing any of the same name, as
    /// ``AppliedPlugins/filter(_:)`` adds the response fields of plugins that do not filter headers.
    func add(to headers: inout HTTPHeaders) {
        WireFieldLines.forEach(lines) { headers.replaceOrAdd(name: $0, value: $1) }
    }

    /// Whether a name (any case) is that of one of the lines.
    func contains(name: UnsafeRawBufferPointer) -> Bool {
        guard nameLengths & 1 << min(name.count, 63) != 0 else { return false }
        return lines.withUnsafeBytes { lines in
            var start = 0
            while start < lines.count {
                var colon = start
                while lines[colon] != HeaderBytes.colon { colon += 1 }
                if colon - start == name.count, HeaderBytes.equalsIgnoringCase(name, UnsafeRawBufferPointer(rebasing: lines[start..<colon])) {
                    return true
                }
                while lines[colon] != HeaderBytes.lf { colon += 1 }
                start = colon + 1
            }
            return false
        }
    }

    /// Writes `value` in decimal, as `String(value)` writes it, at the start of `buffer` (20 bytes or more); returns
    /// how many bytes it wrote.
    static func writeDecimal(_ value: Int, into buffer: UnsafeMutableBufferPointer<UInt8>) -> Int {
        guard value >= 0 else {
            var text = String(value)
            return text.withUTF8 { buffer.initialize(fromContentsOf: $0) }
        }
        // The digits are counted, then written from the last, dividing by the constant 10 (a multiplication once
        // compiled).
        var count = 1
        var rest = value / 10
        while rest > 0 {
            count += 1
            rest /= 10
        }
        rest = value
        for index in stride(from: count - 1, through: 0, by: -1) {
            buffer[index] = UInt8(ascii: "0") + UInt8(rest % 10)
            rest /= 10
        }
        return count
    }
}

/// A field's name as a plugin on bytes writes it, made once (when the plugin is built): the start of its line.
struct WireFieldName: Sendable {
    /// `Name: `.
    let lineStart: [UInt8]
    /// The name's length in bytes.
    let length: Int

    init(_ name: HTTPField.Name) {
        length = name.rawName.utf8.count
        lineStart = Array(name.rawName.utf8) + [HeaderBytes.colon, HeaderBytes.space]
    }
}

/// Header lines (`Name: value\r\n`) as ``WireAccessState`` holds them.
enum WireFieldLines {
    /// Calls `body` with each line's name and value.
    static func forEach(_ lines: [UInt8], _ body: (String, String) -> Void) {
        var start = lines.startIndex
        while let colon = lines[start...].firstIndex(of: HeaderBytes.colon) {
            let end = lines[colon...].firstIndex(of: HeaderBytes.cr) ?? lines.endIndex
            body(String(decoding: lines[start..<colon], as: UTF8.self), String(decoding: lines[(colon + 2)..<end], as: UTF8.self))
            start = min(end + 2, lines.endIndex)
        }
    }

    /// The lines as HTTPTypes' fields.
    static func fields(_ lines: [UInt8]) -> HTTPFields {
        var fields = HTTPFields()
        forEach(lines) { name, value in
            if let name = HTTPField.Name(name) { fields.append(HTTPField(name: name, value: value)) }
        }
        return fields
    }

    /// The lines as written for `fields` (what an authentication adds, from HTTPTypes' values, so they are exactly
    /// what the usual phases send).
    static func lines(_ fields: [HTTPField]) -> [UInt8] {
        var lines: [UInt8] = []
        for field in fields {
            lines.append(contentsOf: field.name.rawName.utf8)
            lines.append(contentsOf: ": ".utf8)
            lines.append(contentsOf: field.value.utf8)
            lines.append(contentsOf: "\r\n".utf8)
        }
        return lines
    }
}
