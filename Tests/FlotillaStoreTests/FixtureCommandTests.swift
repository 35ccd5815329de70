#if os(Linux)
import FlotillaTesting
import Foundation
import Testing

/// The commands fixtures run (initdb, pg_ctl, redis-server, python3) start with no descriptor of the test process
/// but standard input, output and error: a test's sockets (SwiftNIO makes them without `SOCK_CLOEXEC`) must end
/// when the test closes them, not when a daemon another test started exits.
@Suite("Fixture commands")
struct FixtureCommandTests {
    @Test("a command's child holds none of the test process's descriptors")
    func childrenInheritNoDescriptors() throws {
        // A socket as SwiftNIO makes one on Linux (no close-on-exec), at a number no child opens by itself.
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(socket >= 0)
        let high = fcntl(socket, F_DUPFD, 200)
        defer {
            close(socket)
            close(high)
        }
        try #require(high >= 200)
        let listing = try Command.run("/bin/ls", ["/proc/self/fd"])
        let descriptors = listing.split(whereSeparator: \.isNewline).compactMap { Int($0) }
        #expect(descriptors.contains(1), "the listing came from the child: \(listing)")
        #expect(!descriptors.contains(Int(high)), "the child has the test's socket: \(descriptors)")
        // Standard input, output and error, and the folder `ls` itself opened.
        #expect(descriptors.allSatisfy { $0 <= 3 }, "\(descriptors)")
    }
}
#endif
