import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import PaymentService

@Suite struct ChargeTests {
    @Test(arguments: Engine.allCases)
    func aGoodCardIsCapturedAndShowsOnlyItsLastFourDigits(engine: Engine) async throws {
        try await withPaymentService(engine) { client in
            let response = try await client.send(.post, "/payments", json: charge("order-1", amount: 2500))
            #expect(response.status == .created)
            let payment = object(response.body)
            #expect(Set(payment.keys) == ["id", "orderId", "amount", "status", "last4", "createdAt"])
            #expect(payment["orderId"] as? String == "order-1")
            #expect(payment["status"] as? String == "captured")
            #expect(payment["last4"] as? String == "4242")
            let amount = try #require(payment["amount"] as? [String: Any])
            #expect(amount["amount"] as? Int == 2500)
            #expect(amount["currency"] as? String == "EUR")
            let id = try #require(payment["id"] as? String)
            #expect(response.headers[.location] == "/payments/\(id)")
            #expect(!String(buffer: response.body).contains("424242424242"))

            let shown = try await client.send(.get, "/payments/\(id)")
            #expect(shown.status == .ok)
            #expect(NSDictionary(dictionary: object(shown.body)).isEqual(to: payment))
            let listed = try await client.payments(of: "order-1")
            #expect(listed.map { $0["id"] as? String } == [id])
        }
    }

    @Test(arguments: ["5555555555554444", "378282246310005", "4242 4242 4242 4242", "6011-1111-1111-1117"])
    func anyOtherLuhnValidCardIsCaptured(number: String) async throws {
        try await withPaymentService { client in
            let response = try await client.send(.post, "/payments", json: charge("order-1", card: number))
            #expect(response.status == .created)
            #expect(object(response.body)["last4"] as? String == String(number.filter(\.isNumber).suffix(4)))
        }
    }

    @Test(arguments: Engine.allCases)
    func theDeclinedTestCardsAre402WithAReasonAndAreRecorded(engine: Engine) async throws {
        try await withPaymentService(engine) { client in
            for (number, reason) in [("4000000000000002", "card_declined"), ("4000000000009995", "insufficient_funds")] {
                let orderId = "order-\(reason)"
                let response = try await client.send(.post, "/payments", json: charge(orderId, card: number))
                #expect(response.status == .init(code: 402))
                #expect(response.headers[.contentType] == "application/problem+json")
                let problem = object(response.body)
                #expect(problem["reason"] as? String == reason)
                #expect(problem["status"] as? Int == 402)
                #expect((problem["type"] as? String)?.hasSuffix(reason.replacingOccurrences(of: "_", with: "-")) == true)
                let paymentId = try #require(problem["paymentId"] as? String)
                let recorded = try await client.payments(of: orderId)
                #expect(recorded.count == 1)
                #expect(recorded.first?["id"] as? String == paymentId)
                #expect(recorded.first?["status"] as? String == "declined")
                #expect(recorded.first?["reason"] as? String == reason)
                #expect(recorded.first?["last4"] as? String == String(number.suffix(4)))
            }
        }
    }

    @Test(arguments: Engine.allCases)
    func theProcessingErrorCardIs500AndRecordsNothing(engine: Engine) async throws {
        try await withPaymentService(engine) { client in
            for _ in 0..<2 {
                let response = try await client.send(.post, "/payments", json: charge("order-9", card: "4000000000000119"))
                #expect(response.status == .internalServerError)
                #expect(response.headers[.contentType] == "application/problem+json")
                #expect(object(response.body)["reason"] as? String == "processing_error")
            }
            #expect(try await client.payments(of: "order-9").isEmpty)
        }
    }

    /// The clock is fixed at 15 June 2026: June 2026 is still valid, May 2026 and 2025 have expired.
    @Test func aCardIsValidThroughItsExpiryMonth() async throws {
        try await withPaymentService { client in
            let june = try await client.send(.post, "/payments", json: chargeJSON(expMonth: "6", expYear: "2026"))
            #expect(june.status == .created)
            let may = try await client.send(.post, "/payments", json: chargeJSON(expMonth: "5", expYear: "2026"))
            #expect(may.status == .badRequest)
            #expect(object(may.body)["field"] as? String == "card.expMonth")
            let lastYear = try await client.send(.post, "/payments", json: chargeJSON(expMonth: "12", expYear: "2025"))
            #expect(lastYear.status == .badRequest)
            #expect(object(lastYear.body)["field"] as? String == "card.expYear")
        }
    }

    @Test(arguments: [
        (chargeJSON(number: #""4242424242424241""#), "card.number"),
        (chargeJSON(number: #""4242""#), "card.number"),
        (chargeJSON(number: #""42424242424242424242""#), "card.number"),
        (chargeJSON(number: #""4242abcd42424242""#), "card.number"),
        (chargeJSON(number: #""""#), "card.number"),
        (chargeJSON(number: "4242424242424242"), "card.number"),
        (chargeJSON(number: nil), "card.number"),
        (chargeJSON(expMonth: "13"), "card.expMonth"),
        (chargeJSON(expMonth: "0"), "card.expMonth"),
        (chargeJSON(expMonth: #""12""#), "card.expMonth"),
        (chargeJSON(expMonth: nil), "card.expMonth"),
        (chargeJSON(expMonth: "1.5"), "card.expMonth"),
        (chargeJSON(expYear: "2020"), "card.expYear"),
        (chargeJSON(expYear: "30"), "card.expYear"),
        (chargeJSON(expYear: "2099"), "card.expYear"),
        (chargeJSON(expYear: "null"), "card.expYear"),
        (chargeJSON(cvc: #""12""#), "card.cvc"),
        (chargeJSON(cvc: #""12345""#), "card.cvc"),
        (chargeJSON(cvc: #""12a""#), "card.cvc"),
        (chargeJSON(cvc: "123"), "card.cvc"),
        (chargeJSON(cvc: nil), "card.cvc"),
        (chargeJSON(amount: "0"), "amount"),
        (chargeJSON(amount: "-5"), "amount"),
        (chargeJSON(amount: "19.99"), "amount"),
        (chargeJSON(amount: #""1999""#), "amount"),
        (chargeJSON(amount: "99999999999999999999"), "amount"),
        (chargeJSON(amount: nil), "amount"),
        (chargeJSON(currency: #""eur""#), "currency"),
        (chargeJSON(currency: #""EURO""#), "currency"),
        (chargeJSON(currency: #""E1R""#), "currency"),
        (chargeJSON(currency: nil), "currency"),
        (chargeJSON(orderId: #""""#), "orderId"),
        (chargeJSON(orderId: #""order 1""#), "orderId"),
        (chargeJSON(orderId: "42"), "orderId"),
        (chargeJSON(orderId: nil), "orderId"),
        (#"{"orderId":"o","amount":1,"currency":"EUR"}"#, "card"),
        (#"{"orderId":"o","amount":1,"currency":"EUR","card":"4242424242424242"}"#, "card"),
    ])
    func invalidChargesAre400NamingTheFieldAndRecordNothing(body: String, field: String) async throws {
        try await withPaymentService { client in
            let response = try await client.send(.post, "/payments", json: body)
            #expect(response.status == .badRequest, "\(String(buffer: response.body))")
            #expect(response.headers[.contentType] == "application/problem+json")
            let problem = object(response.body)
            #expect(problem["field"] as? String == field)
            // The problem never repeats the number it refused.
            for number in ["4242424242424241", "4242424242424242", "42424242424242424242"] {
                #expect(!String(buffer: response.body).contains(number))
            }
            #expect(try await client.payments(of: "order-1").isEmpty)
        }
    }

    @Test func malformedBodiesAre4xxProblems() async throws {
        try await withPaymentService { client in
            let cases: [(String?, String, HTTPResponse.Status)] = [
                (#"{"orderId":"o","amount":1,"#, "application/json", .badRequest),
                ("[1,2,3]", "application/json", .badRequest),
                ("", "application/json", .badRequest),
                (nil, "application/json", .badRequest),
                (chargeJSON(), "text/plain", .unsupportedMediaType),
                ("{\"orderId\":\"" + String(repeating: "x", count: defaultBodyLimit) + "\"}", "application/json", .contentTooLarge),
            ]
            for (body, contentType, status) in cases {
                let response = try await client.send(.post, "/payments", json: body, contentType: contentType)
                #expect(response.status == status, "\(body?.prefix(40) ?? "no body") → \(response.status)")
                #expect(response.headers[.contentType] == "application/problem+json")
            }
            #expect(try await client.payments(of: "o").isEmpty)
        }
    }

    @Test func listingNeedsAnOrderIdAndUnknownPaymentsAre404() async throws {
        try await withPaymentService { client in
            let missing = try await client.send(.get, "/payments")
            #expect(missing.status == .badRequest)
            #expect(object(missing.body)["field"] as? String == "orderId")
            let empty = try await client.send(.get, "/payments?orderId=nobody")
            #expect(empty.status == .ok)
            #expect(String(buffer: empty.body) == #"{"items":[]}"#)
            let unknown = try await client.send(.get, "/payments/no-such-id")
            #expect(unknown.status == .notFound)
            #expect(unknown.headers[.contentType] == "application/problem+json")
        }
    }
}

@Suite struct CardNumberTests {
    @Test func luhnAcceptsTheTestCardsAndRejectsOneDigitOff() {
        for number in ["4242424242424242", "4000000000000002", "4000000000009995", "4000000000000119", "5555555555554444"] {
            #expect(CardNumber(number) != nil, "\(number)")
            var digits = Array(number)
            digits[digits.count - 1] = digits.last == "9" ? "0" : Character(String(Int(String(digits.last!))! + 1))
            #expect(CardNumber(String(digits)) == nil, "\(String(digits))")
        }
    }

    @Test func theDescriptionMasksAllButTheLastFour() throws {
        let card = try #require(CardNumber("4242424242424242"))
        #expect("\(card)" == "•••• 4242")
        #expect(String(reflecting: card).contains("4242424242424242") == false)
    }
}
