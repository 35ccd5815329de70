import Foundation
import Testing

@testable import FlotillaGateway

/// The parser's safety argument, checked against NIO's llhttp decoder: whenever the parser says `.plain`, llhttp
/// reads the very same request from the same bytes (else a request could be smuggled between the two data planes).
/// Inputs: seeded random damage to valid plain heads, every byte and every pair of telling bytes at each sensitive
/// place of a head.
@Suite("PlainRequestHead agrees with llhttp on every head it calls plain")
struct PlainRequestHeadDifferentialTests {
    static let seeds: [String] = [
        "GET / HTTP/1.1\r\nHost: example.com\r\n\r\n",
        "HEAD /items?id=7&sort=asc HTTP/1.1\r\nHost: shop.example:8080\r\nAccept: */*\r\nConnection: close\r\n\r\n",
        "GET /api/v1/orders/42 HTTP/1.1\r\nHost: gw\r\nUser-Agent: curl/8.5.0\r\nContent-Length: 0\r\nConnection: keep-alive\r\n"
            + "X-Request-ID: abc-123\r\n\r\n",
        "GET /search?q=a%20b HTTP/1.1\r\nhost:\tlocalhost\r\nAccept-Encoding: gzip, deflate\r\nCookie: a=1; b=2\r\n\r\n",
        "GET /c HTTP/1.1\r\nConnection: Keep-Alive, close\r\ncontent-length:0\r\nHOST: h\r\nX-Empty:\r\n\r\n",
    ]

    /// What the checks of many inputs came to.
    struct Tally {
        var plain = 0
        var notPlain = 0
        var incomplete = 0
        /// Plain heads llhttp read differently, by known disagreement ("unknown" for any other).
        var disagreeing: [String: Int] = [:]

        var summary: String {
            let disagreements = disagreeing.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
            return "\(plain) plain (each compared with llhttp; disagreeing: \(disagreements.isEmpty ? "none" : disagreements)), "
                + "\(notPlain) not plain, \(incomplete) incomplete"
        }
    }

    /// Checks one input: never a crash; if plain, llhttp agrees, the head does not depend on the bytes after it,
    /// and a shorter prefix (cut at `prefixCut` modulo the length) is incomplete.
    static func check(_ bytes: [UInt8], prefixCut: Int? = nil, tally: inout Tally) {
        let outcome = PlainRequestHead.parse(bytes: bytes)
        switch outcome {
        case .notPlain: tally.notPlain += 1
        case .incomplete: tally.incomplete += 1
        case .plain(let head):
            tally.plain += 1
            let problems = LLHTTPReference.expectAgreement(with: head, in: bytes)
            PlainUpstreamRequestTests.expectSameBytes(head, in: bytes)
            for kind in Set(problems.map { $0.known.map { "\($0)" } ?? "unknown" }) { tally.disagreeing[kind, default: 0] += 1 }
            let alone = PlainRequestHead.parse(bytes: Array(bytes[..<head.length])).plainHead
            #expect(alone?.length == head.length && alone?.uri == head.uri, "\(HeadMutator.escaped(bytes))")
            if let prefixCut {
                let cut = prefixCut % head.length
                #expect(PlainRequestHead.parse(bytes: Array(bytes[..<cut])).isIncomplete, "\(HeadMutator.escaped(bytes[..<cut]))")
            }
        }
    }

    @Test("seeded random damage: whatever the parser calls plain, llhttp reads the same way")
    func randomDamage() {
        // PLAIN_HEAD_FUZZ_SEED and PLAIN_HEAD_FUZZ_ROUNDS run a longer or different search by hand.
        let environment = ProcessInfo.processInfo.environment
        let seed = environment["PLAIN_HEAD_FUZZ_SEED"].flatMap { UInt64($0) } ?? 0x504C_4149_4E48_4541
        let rounds = environment["PLAIN_HEAD_FUZZ_ROUNDS"].flatMap { Int($0) } ?? 6000
        var mutator = HeadMutator(seed: seed)
        var tally = Tally()
        var notPlainButLLHTTPTakes = 0
        for round in 0..<rounds {
            let bytes = mutator.mutate(Array(Self.seeds[round % Self.seeds.count].utf8))
            let notPlainBefore = tally.notPlain
            Self.check(bytes, prefixCut: mutator.below(bytes.count), tally: &tally)
            if tally.notPlain > notPlainBefore, LLHTTPReference.accepts(bytes) { notPlainButLLHTTPTakes += 1 }
        }
        print(
            "PlainRequestHead fuzz, seed \(seed), \(rounds) mutated heads: \(tally.summary) (\(notPlainButLLHTTPTakes) of those not plain llhttp takes)"
        )
        // Enough of each outcome for the comparison to mean something.
        #expect(tally.plain >= rounds / 6)
        #expect(tally.notPlain >= rounds / 6)
        #expect(tally.incomplete >= rounds / 100)
    }

    /// Heads with `§` where a byte goes: in the target, a field name, values, and the fields the parser interprets.
    static let bytePlaces: [String] = [
        "GET /§ HTTP/1.1\r\nHost: h\r\n\r\n",
        "GET /a§b HTTP/1.1\r\nHost: h\r\n\r\n",
        "GET /p?q=§ HTTP/1.1\r\nHost: h\r\n\r\n",
        "GET /p#§ HTTP/1.1\r\nHost: h\r\n\r\n",
        "GET /p?#§§ HTTP/1.1\r\nHost: h\r\n\r\n",
        "GET /p HTTP/1.1\r\nHost: h\r\n§X: v\r\n\r\n",
        "GET /p HTTP/1.1\r\nHost: h\r\nX-§: v\r\n\r\n",
        "GET /p HTTP/1.1\r\nHost: h\r\nX-§:v\r\n\r\n",
        "GET /p HTTP/1.1\r\nHost: h\r\nX: §v\r\n\r\n",
        "GET /p HTTP/1.1\r\nHost: h\r\nX: v§w\r\n\r\n",
        "GET /p HTTP/1.1\r\nHost: h\r\nX: v§\r\n\r\n",
        "GET /p HTTP/1.1\r\nHost: h\r\nX:§\r\n\r\n",
        "GET /p HTTP/1.1\r\nHost: h§\r\n\r\n",
        "GET /p HTTP/1.1\r\nHost: h\r\nConnection: §close\r\n\r\n",
        "GET /p HTTP/1.1\r\nHost: h\r\nConnection: close§\r\n\r\n",
        "GET /p HTTP/1.1\r\nHost: h\r\nConnection: keep-alive§\r\n\r\n",
        "GET /p HTTP/1.1\r\nHost: h\r\nConnection: keep-alive,§close\r\n\r\n",
        "GET /p HTTP/1.1\r\nHost: h\r\nConnection: close§,keep-alive\r\n\r\n",
        "GET /p HTTP/1.1\r\nHost: h\r\nConnection: close §\r\n\r\n",
        "GET /p HTTP/1.1\r\nHost: h\r\nContent-Length: §0\r\n\r\n",
        "GET /p HTTP/1.1\r\nHost: h\r\nContent-Length: 0§\r\n\r\n",
        "GET /p HTTP/1.1\r\nHost: h\r\nContent-Length§: 0\r\n\r\n",
        "GET /p HTTP/1.1\r\nHost: h\r\nConnection§: close\r\n\r\n",
    ]

    @Test("every byte at every sensitive place: whatever the parser calls plain, llhttp reads the same way")
    func everyByteEverywhere() {
        var tally = Tally()
        for place in Self.bytePlaces {
            let parts = place.split(separator: "§", omittingEmptySubsequences: false).map { Array($0.utf8) }
            for byte in UInt8.min...UInt8.max {
                Self.check(parts.dropFirst().reduce(parts[0]) { $0 + [byte] + $1 }, tally: &tally)
            }
        }
        print("PlainRequestHead byte sweep, \(Self.bytePlaces.count * 256) heads: \(tally.summary)")
        #expect(tally.plain >= Self.bytePlaces.count * 256 / 4)
    }

    /// Bytes that mean something to some HTTP/1.1 parser: blanks, line ends, separators, digits, letters of both
    /// cases, controls and obs-text.
    static let pairBytes: [UInt8] = Array(" \t\r\n:,;=\"\\#?%/0aAzZ-_.~!|".utf8) + [0x00, 0x01, 0x0B, 0x7F, 0x80, 0xFF]

    /// Heads with `§` where two bytes go.
    static let pairPlaces: [String] = [
        "GET /p§ HTTP/1.1\r\nHost: h\r\n\r\n",
        "GET /p?§ HTTP/1.1\r\nHost: h\r\n\r\n",
        "GET /p#§ HTTP/1.1\r\nHost: h\r\n\r\n",
        "GET /p HTTP/1.1\r\nHost: h\r\nX§: v\r\n\r\n",
        "GET /p HTTP/1.1\r\nHost: h\r\nX: §v\r\n\r\n",
        "GET /p HTTP/1.1\r\nHost: h\r\nX: v§\r\n\r\n",
        "GET /p HTTP/1.1\r\nHost: h§\r\n\r\n",
        "GET /p HTTP/1.1\r\nHost: h\r\nConnection: §close\r\n\r\n",
        "GET /p HTTP/1.1\r\nHost: h\r\nConnection: close§\r\n\r\n",
        "GET /p HTTP/1.1\r\nHost: h\r\nConnection: keep-alive§close\r\n\r\n",
        "GET /p HTTP/1.1\r\nHost: h\r\nContent-Length: §0\r\n\r\n",
        "GET /p HTTP/1.1\r\nHost: h\r\nContent-Length: 0§\r\n\r\n",
        "GET /p HTTP/1.1\r\nHost: h\r\n§Content-Length: 0\r\n\r\n",
    ]

    @Test("every pair of telling bytes at every sensitive place: whatever the parser calls plain, llhttp reads the same way")
    func everyPairEverywhere() {
        var tally = Tally()
        for place in Self.pairPlaces {
            let parts = place.split(separator: "§", omittingEmptySubsequences: false).map { Array($0.utf8) }
            for first in Self.pairBytes {
                for second in Self.pairBytes { Self.check(parts[0] + [first, second] + parts[1], tally: &tally) }
            }
        }
        print("PlainRequestHead pair sweep, \(Self.pairPlaces.count * Self.pairBytes.count * Self.pairBytes.count) heads: \(tally.summary)")
        #expect(tally.plain >= Self.pairPlaces.count * Self.pairBytes.count * Self.pairBytes.count / 5)
    }

    // MARK: Disagreements found once (the parser now refuses these heads)

    static let formerDisagreements: [LLHTTPReference.KnownDisagreement: String] = [
        .trailingBlanks: "GET / HTTP/1.1\r\nHost: h \r\nX-A: a\t\r\n\r\n",
        .repeatedContentLength: "GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\nContent-Length: 0\r\n\r\n",
        .proxyConnection: "GET / HTTP/1.1\r\nHost: h\r\nProxy-Connection: close\r\n\r\n",
        .closeThenTab: "GET / HTTP/1.1\r\nHost: h\r\nConnection: close \t\r\n\r\n",
        .tabAfterContentLength: "GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 0\t\r\n\r\n",
    ]

    @Test(
        "heads llhttp once read otherwise than the parser are not plain (NIO's parser answers them)",
        arguments: LLHTTPReference.KnownDisagreement.allCases
    )
    func formerDisagreement(_ kind: LLHTTPReference.KnownDisagreement) throws {
        let bytes = Array(try #require(Self.formerDisagreements[kind]).utf8)
        #expect(PlainRequestHead.parse(bytes: bytes).isNotPlain, "\(kind.rawValue)")
    }
}
