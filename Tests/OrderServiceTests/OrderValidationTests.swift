import FlotillaCore
import Foundation
import Testing

@testable import OrderService

@Suite struct OrderValidationTests {
    static let now = Date(timeIntervalSince1970: 1_795_000_000)  // 2026-11

    static func request(
        items: [OrderRequest.Item] = [.init(sku: "SKU-1", quantity: 1)],
        number: String = "4242424242424242",
        expMonth: Int = 12,
        expYear: Int = 2030,
        cvc: String = "123",
        country: String = "de"
    ) -> OrderRequest {
        OrderRequest(
            items: items,
            card: .init(number: number, expMonth: expMonth, expYear: expYear, cvc: cvc),
            shippingAddress: .init(name: "Ada", line1: "1 Main St", city: "Berlin", postalCode: "10115", country: country)
        )
    }

    func field(of body: () throws -> Void) -> String? {
        do {
            try body()
            return nil
        } catch let problem as ProblemDetails {
            #expect(problem.status == 400)
            return problem.field
        } catch {
            return "unexpected \(error)"
        }
    }

    @Test func theTestCardsPassLuhnAndOthersDoNot() {
        for number in ["4242424242424242", "4000000000000002", "4000000000009995", "5555555555554444"] {
            #expect(CardValidation.luhnIsValid(number), "\(number)")
        }
        #expect(!CardValidation.luhnIsValid("4242424242424241"))
        #expect(!CardValidation.luhnIsValid("1234567812345678"))
    }

    @Test func aValidOrderMergesLinesBySkuAndNormalisesTheAddress() throws {
        let order = try ValidatedOrder(
            Self.request(items: [.init(sku: "A", quantity: 1), .init(sku: "B", quantity: 2), .init(sku: " A ", quantity: 3)]),
            now: Self.now
        )
        #expect(order.lines == [OrderLine(sku: "A", quantity: 4), OrderLine(sku: "B", quantity: 2)])
        #expect(order.address.country == "DE")
        #expect(order.card.last4 == "4242")
    }

    @Test(arguments: [
        ("items", Self.request(items: [])),
        ("items[0].quantity", Self.request(items: [.init(sku: "A", quantity: 0)])),
        ("items[1].quantity", Self.request(items: [.init(sku: "A", quantity: 1), .init(sku: "B", quantity: -2)])),
        ("items[0].sku", Self.request(items: [.init(sku: "  ", quantity: 1)])),
        ("card.number", Self.request(number: "4242424242424241")),
        ("card.number", Self.request(number: "42424242abcd4242")),
        ("card.expMonth", Self.request(expMonth: 13)),
        ("card.expYear", Self.request(expMonth: 10, expYear: 2026)),
        ("card.cvc", Self.request(cvc: "12")),
        ("shippingAddress.country", Self.request(country: "DEU")),
    ])
    func anInvalidOrderIsA400NamingTheField(expected: String, input: OrderRequest) {
        #expect(field { _ = try ValidatedOrder(input, now: Self.now) } == expected)
    }

    @Test func aCardExpiringThisMonthIsStillValid() throws {
        _ = try ValidatedOrder(Self.request(expMonth: 11, expYear: 2026), now: Self.now)
        _ = try ValidatedOrder(Self.request(expMonth: 11, expYear: 26), now: Self.now)
    }

    @Test func theTotalIsPricedInOneCurrencyWithoutOverflow() throws {
        let lines = [OrderLine(sku: "A", quantity: 2), OrderLine(sku: "B", quantity: 1)]
        let total = try OrderRoutes.total(
            of: lines,
            prices: ["A": Money(amount: 1999, currency: "EUR"), "B": Money(amount: 500, currency: "EUR")]
        )
        #expect(total == Money(amount: 4498, currency: "EUR"))
        #expect(throws: ProblemDetails.self) {
            try OrderRoutes.total(of: lines, prices: ["A": Money(amount: 1, currency: "EUR"), "B": Money(amount: 1, currency: "USD")])
        }
        #expect(throws: ProblemDetails.self) {
            try OrderRoutes.total(of: [OrderLine(sku: "A", quantity: 1000)], prices: ["A": Money(amount: Int.max / 10, currency: "EUR")])
        }
    }
}
