import FlotillaCore
import Foundation
import Logging
import Synchronization
import Testing

@Suite struct JSONLogHandlerTests {
    @Test func eachEventIsOneParseableJSONLineWithMetadata() throws {
        let lines = Mutex<[String]>([])
        let handler = JSONLogHandler(
            label: "test",
            service: "user-service",
            level: .info,
            output: LogOutput { line in lines.withLock { $0.append(line) } }
        )
        var logger = Logger(label: "test") { _ in handler }
        logger[metadataKey: "request_id"] = "r1"
        logger.info("hello \"world\"\nsecond line", metadata: ["status": .stringConvertible(201), "tags": .array(["a", "b"])])
        logger.debug("below the level")
        let written = lines.withLock { $0 }
        #expect(written.count == 1)
        let line = try #require(written.first)
        #expect(line.hasSuffix("\n"))
        #expect(line.dropLast().contains("\n") == false)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["message"] as? String == "hello \"world\"\nsecond line")
        #expect(object["level"] as? String == "info")
        #expect(object["service"] as? String == "user-service")
        #expect(object["request_id"] as? String == "r1")
        #expect(object["status"] as? String == "201")
        #expect(object["tags"] as? [String] == ["a", "b"])
        #expect((object["timestamp"] as? String)?.hasSuffix("Z") == true)
    }
}
