import Foundation
import NIOConcurrencyHelpers
import NIOCore

/// One access-log line.
struct AccessLogEntry: Sendable {
    var method: String
    var uri: String
    var status: Int
    var route: String
    var service: String
    var client: String
    var latency: TimeAmount
}

/// The JSON access log: one object per line, buffered and written by a background flush (at most every 200 ms or
/// 64 KiB), so requests never wait for the disk.
public final class AccessLog: Sendable {
    private let handle: FileHandle
    private let buffer = NIOLockedValueBox([UInt8]())

    /// `path` "-" writes to standard output.
    public init(path: String) throws {
        if path == "-" {
            handle = FileHandle.standardOutput
        } else {
            if !FileManager.default.fileExists(atPath: path) { _ = FileManager.default.createFile(atPath: path, contents: nil) }
            guard let file = FileHandle(forWritingAtPath: path) else {
                throw GatewayConfigurationError(file: path, line: nil, field: "access-log", message: "cannot open for writing")
            }
            _ = try? file.seekToEnd()
            handle = file
        }
    }

    func write(_ entry: AccessLogEntry) {
        let time = Date().timeIntervalSince1970
        let line =
            "{\"time\":\(String(format: "%.3f", time)),\"method\":\(Self.quote(entry.method)),\"uri\":\(Self.quote(entry.uri)),"
            + "\"status\":\(entry.status),\"route\":\(Self.quote(entry.route)),\"service\":\(Self.quote(entry.service)),"
            + "\"client\":\(Self.quote(entry.client)),\"latency_ms\":\(String(format: "%.3f", Double(entry.latency.nanoseconds) / 1e6))}\n"
        let full = buffer.withLockedValue { bytes -> Bool in
            bytes.append(contentsOf: line.utf8)
            return bytes.count > 64 * 1024
        }
        if full { flush() }
    }

    /// Writes what is buffered.
    public func flush() {
        let bytes = buffer.withLockedValue { bytes -> [UInt8] in
            defer { bytes.removeAll(keepingCapacity: true) }
            return bytes
        }
        if !bytes.isEmpty { handle.write(Data(bytes)) }
    }

    static func quote(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case _ where scalar.value < 0x20: result += String(format: "\\u%04x", scalar.value)
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
