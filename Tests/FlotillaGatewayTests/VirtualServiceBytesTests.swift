import Testing

@testable import FlotillaGateway

/// Istio's uri and header matches compare bytes, as Envoy does, and a prefix rewrite cuts exactly the matched bytes.
@Suite("Istio matches compare bytes, as Envoy does")
struct VirtualServiceBytesTests {
    static func match(_ uri: StringMatch, ignoreCase: Bool = false) -> CompiledMatch {
        var request = HTTPMatchRequest()
        request.uri = uri
        request.ignoreUriCase = ignoreCase
        return CompiledMatch(request)
    }

    static func evaluate(_ match: CompiledMatch, _ path: String) -> Int?? {
        match.evaluate(method: "GET", path: Substring(path), headers: { _ in nil })
    }

    @Test("a prefix matches the bytes it is made of, whatever Character the path's next scalar joins")
    func prefixIsBytes() {
        let decomposed = "/cafe\u{301}/menu"
        // Swift compares Characters: "e" + U+0301 is one Character, so the String is no prefix match.
        #expect(!decomposed.hasPrefix("/cafe"))
        #expect(Self.evaluate(Self.match(.prefix("/cafe")), decomposed) == .some(.some(5)))
        #expect(CompiledVirtualService.rewrite(decomposed, prefixLength: 5, with: "/v2") == "/v2\u{301}/menu")
        #expect(CompiledVirtualService.rewrite("/cafe", prefixLength: 5, with: "") == "/")
        #expect(CompiledVirtualService.rewrite("/caf\u{e9}/x", prefixLength: 6, with: "/") == "//x")
        #expect(Self.evaluate(Self.match(.prefix("/caf\u{e9}")), "/caf\u{e9}/x") == .some(.some(6)))
    }

    @Test("exact values are equal bytes: a precomposed é is not its decomposed form")
    func exactIsBytes() {
        // Swift's == holds them equal (canonical equivalence); Envoy does not.
        #expect("/caf\u{e9}" == "/cafe\u{301}")
        #expect(Self.evaluate(Self.match(.exact("/caf\u{e9}")), "/cafe\u{301}") == nil)
        #expect(Self.evaluate(Self.match(.exact("/caf\u{e9}")), "/caf\u{e9}") == .some(nil))
        var request = HTTPMatchRequest()
        request.headers = ["x-team": .exact("caf\u{e9}")]
        let byHeader = CompiledMatch(request)
        #expect(byHeader.evaluate(method: "GET", path: "/", headers: { _ in "cafe\u{301}" }) == nil)
        #expect(byHeader.evaluate(method: "GET", path: "/", headers: { _ in "caf\u{e9}" }) == .some(nil))
    }

    @Test("ignoreUriCase folds ASCII letters only, so the matched prefix has the same length in the path")
    func ignoreCaseIsASCII() {
        let match = Self.match(.prefix("/API/İ"), ignoreCase: true)
        // "İ".lowercased() is two scalars (i + U+0307): a Unicode fold would change the prefix's length.
        #expect(Self.evaluate(match, "/api/İ/x") == .some(.some(7)))
        #expect(Self.evaluate(match, "/Api/İtem") == .some(.some(7)))
        #expect(Self.evaluate(match, "/api/i\u{307}/x") == nil)
        #expect(CompiledVirtualService.rewrite("/Api/İtem", prefixLength: 7, with: "/") == "/tem")
    }
}
