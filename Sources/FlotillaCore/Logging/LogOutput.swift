import Foundation
import Synchronization

/// Where log lines go. Writes are whole lines under a lock, so concurrent lines never interleave.
public struct LogOutput: Sendable {
    private let sink: @Sendable (String) -> Void

    /// An output that hands each line to `sink` (tests capture lines this way).
    public init(_ sink: @escaping @Sendable (String) -> Void) {
        self.sink = sink
    }

    /// Writes one line.
    public func write(_ line: String) { sink(line) }

    /// Standard output, unbuffered line by line.
    public static let standardOutput = LogOutput { line in
        standardOutputLock.withLock { _ in
            var line = line
            line.withUTF8 { buffer in
                var offset = 0
                while offset < buffer.count {
                    let written = Foundation.write(1, buffer.baseAddress! + offset, buffer.count - offset)
                    if written <= 0 { return }
                    offset += written
                }
            }
        }
    }
}

private let standardOutputLock = Mutex(())
