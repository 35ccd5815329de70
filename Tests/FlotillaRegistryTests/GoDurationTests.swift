import Testing

@testable import FlotillaRegistry

@Suite struct GoDurationTests {
    @Test(arguments: [
        ("10s", Duration.seconds(10)), ("1m30s", .seconds(90)), ("1.5s", .milliseconds(1500)), ("250ms", .milliseconds(250)),
        ("2h45m", .seconds(9900)), ("0", .zero), ("-1s", .seconds(-1)), ("100us", .microseconds(100)), ("90m", .seconds(5400)),
        ("1µs", .microseconds(1)), ("10ns", .nanoseconds(10)),
    ])
    func parses(_ text: String, _ expected: Duration) throws {
        #expect(try GoDuration.parse(text) == expected)
    }

    @Test(arguments: [
        ("abc", "time: invalid duration \"abc\""), ("10", "time: missing unit in duration \"10\""),
        ("10x", "time: unknown unit \"x\" in duration \"10x\""), ("", "time: invalid duration \"\""), ("s", "time: invalid duration \"s\""),
    ])
    func rejectsWithGoMessages(_ text: String, _ message: String) {
        #expect(throws: GoDuration.ParseError(description: message)) { try GoDuration.parse(text) }
    }

    @Test(arguments: [
        (Duration.seconds(10), "10s"), (.seconds(90), "1m30s"), (.milliseconds(1500), "1.5s"), (.milliseconds(250), "250ms"),
        (.seconds(5400), "1h30m0s"), (.zero, "0s"),
    ])
    func formatsAsGo(_ duration: Duration, _ expected: String) {
        #expect(GoDuration.format(duration) == expected)
    }

    @Test(arguments: ["", "1", "t", "T", "true", "TRUE", "True"])
    func trueSpellings(_ spelling: String) { #expect(ConsulBool.parse(spelling[...]) == true) }

    @Test(arguments: ["0", "f", "F", "false", "FALSE", "False"])
    func falseSpellings(_ spelling: String) { #expect(ConsulBool.parse(spelling[...]) == false) }

    @Test func otherSpellingsAreNotBooleans() { #expect(ConsulBool.parse("yes") == nil) }
}
