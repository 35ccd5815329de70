import FlotillaCore
import Testing

@Suite struct RequestIDTests {
    @Test(arguments: ["abc-123", "req_1.2:3/4+5=6@x", String(repeating: "a", count: 128)])
    func saneIDsAreKept(id: String) {
        #expect(RequestID.accept(id) == id)
    }

    @Test(arguments: ["", "has space", "quote\"", "new\nline", String(repeating: "a", count: 129), "ünï"])
    func insaneIDsAreReplaced(id: String) {
        let accepted = RequestID.accept(id)
        #expect(accepted != id)
        #expect(accepted.count == 32)
        #expect(RequestID.isSane(accepted[...]))
    }

    @Test func generatedIDsAreUnique() {
        let ids = Set((0..<1000).map { _ in RequestID.generate() })
        #expect(ids.count == 1000)
    }
}
