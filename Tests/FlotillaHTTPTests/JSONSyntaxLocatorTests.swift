import FlotillaHTTP
import Testing

@Suite struct JSONSyntaxLocatorTests {
    @Test(arguments: ["{}", "[]", "0", "-1.5e+3", "\"a\\u00e9\\n\"", "{\"a\":[1,{\"b\":null}],\"c\":true}", " \n{ } \n"])
    func validDocumentsHaveNoFailure(text: String) {
        #expect(JSONSyntaxLocator.locate(Array(text.utf8)) == nil)
    }

    @Test(arguments: [
        ("{", 1, 2, "expected a quoted member name"),
        ("{\"a\" 1}", 1, 6, "expected ':' after the member name"),
        ("[1,]", 1, 4, "expected a value"),
        ("[1 2]", 1, 4, "expected ',' or ']'"),
        ("01", 1, 2, "unexpected text after the JSON value"),
        ("\"abc", 1, 5, "unterminated string"),
        ("tru", 1, 4, "expected true"),
        ("{}\n{}", 2, 1, "unexpected text after the JSON value"),
    ])
    func failuresGiveLineColumnAndReason(text: String, line: Int, column: Int, reason: String) {
        let failure = JSONSyntaxLocator.locate(Array(text.utf8))
        #expect(failure == .init(line: line, column: column, reason: reason))
    }

    @Test func deepNestingIsRefusedNotACrash() {
        let text = String(repeating: "[", count: 100_000)
        #expect(JSONSyntaxLocator.locate(Array(text.utf8))?.reason == "nesting deeper than 512 levels")
    }
}
