import FlotillaCore
import Testing

@testable import OrderService

@Suite struct OrderServiceOptionsTests {
    @Test func defaultsAndValuesAreRead() throws {
        #expect(try OrderServiceOptions.load(environment: [:]) == OrderServiceOptions())
        let options = try OrderServiceOptions.load(environment: [
            "ORDER_SAGA_DEADLINE": "2m", "ORDER_MAX_WAIT": "5s", "JWKS_URL": "http://127.0.0.1:9001/.well-known/jwks.json",
            "CARD_ENCRYPTION_KEY": "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
        ])
        #expect(options.sagaDeadline == .seconds(120))
        #expect(options.maximumWait == .seconds(5))
        #expect(options.jwksURL == "http://127.0.0.1:9001/.well-known/jwks.json")
        #expect(options.cardKeyBase64 != nil)
    }

    @Test(arguments: [
        ("ORDER_SAGA_DEADLINE", "soon"), ("ORDER_SAGA_DEADLINE", "0s"), ("ORDER_MAX_WAIT", "-1"),
        ("JWKS_URL", "ftp://x"), ("CARD_ENCRYPTION_KEY", "c2hvcnQ="),
    ])
    func aBadValueNamesItsVariable(variable: String, value: String) {
        do {
            _ = try OrderServiceOptions.load(environment: [variable: value])
            Issue.record("\(variable)=\(value) was accepted")
        } catch {
            #expect("\(error)".contains(variable))
            #expect(!"\(error)".contains("\n"))
            if variable == "CARD_ENCRYPTION_KEY" { #expect(!"\(error)".contains(value)) }
        }
    }
}
