import FlotillaCore
import FlotillaHTTP
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// A tiny order line with integer fields of several widths next to fields that are not integers.
private struct PricedLine: Codable {
    struct Part: Codable {
        var sku: String
        var quantity: UInt8
    }
    var note: String?
    var weight: Double?
    var amountCents: Int
    var discountCents: Int64?
    var parts: [Part]?
    var counts: [String: Int]?
}

/// Foundation's decoder on Linux reports a number that does not fit an integer field as "not valid JSON" with no
/// path; `decodeJSON` must still answer 400 naming the field.
@Suite struct IntegerFieldDecodingTests {
    private func post(_ body: String, check: @escaping @Sendable (TestResponse) throws -> Void) async throws {
        let configuration = ServiceConfiguration(serviceName: "integer-test", port: 0, logFormat: .json)
        let kit = try ServiceKit(configuration: configuration)
        kit.routes.post("/lines") { request, context in
            try JSONResponse.make(try await request.decodeJSON(as: PricedLine.self, context: context), status: .created)
        }
        try await kit.startUp()
        try await kit.makeApplication().test(.router) { client in
            try await client.execute(
                uri: "/lines",
                method: .post,
                headers: [.contentType: "application/json"],
                body: ByteBuffer(string: body),
                testCallback: check
            )
        }
    }

    @Test(arguments: [
        (#"{"amountCents": 19.99}"#, "amountCents"),
        (#"{"amountCents": "12"}"#, "amountCents"),
        (#"{"amountCents": 9999999999999999999}"#, "amountCents"),
        (#"{"amountCents": -9999999999999999999}"#, "amountCents"),
        (#"{"amountCents": 1e30}"#, "amountCents"),
        (#"{"amountCents": 1e-3}"#, "amountCents"),
        (#"{"weight": 1.5, "amountCents": 2.5}"#, "amountCents"),
        (#"{"amountCents": 1, "discountCents": 0.5}"#, "discountCents"),
        (#"{"amountCents": 1, "discountCents": 9223372036854775808}"#, "discountCents"),
        (#"{"amountCents": 1, "parts": [{"sku": "a", "quantity": 1}, {"sku": "b", "quantity": 300}]}"#, "parts[1].quantity"),
        (#"{"amountCents": 1, "parts": [{"sku": "a", "quantity": -1}]}"#, "parts[0].quantity"),
        (#"{"amountCents": 1, "counts": {"a": 1, "b": 2.5}}"#, "counts.b"),
        (#"{"note": "caf\u00e9 \ud83d\ude00 \"quoted\" \\", "weight": 1e3, "amountCents": 0.5}"#, "amountCents"),
    ])
    func aNumberThatIsNotTheFieldsIntegerIsA400NamingTheField(body: String, field: String) async throws {
        try await post(body) { response in
            #expect(response.status == .badRequest)
            #expect(response.headers[.contentType] == "application/problem+json")
            let problem = json(response.body)
            #expect(problem["field"] as? String == field, "\(String(buffer: response.body))")
            #expect((problem["detail"] as? String)?.hasPrefix(field + " ") == true, "\(String(buffer: response.body))")
        }
    }

    @Test func theDetailGivesTheRangeOfTheFieldsType() async throws {
        try await post(#"{"amountCents": 1, "parts": [{"sku": "a", "quantity": 256}]}"#) { response in
            #expect(json(response.body)["detail"] as? String == "parts[0].quantity must be an integer from 0 to 255.")
        }
        try await post(#"{"amountCents": 19.99}"#) { response in
            #expect(
                json(response.body)["detail"] as? String
                    == "amountCents must be an integer from -9223372036854775808 to 9223372036854775807."
            )
        }
    }

    /// JSON has one number type: like Foundation (and JSON Schema's `integer`), `1e3` and `1.0` are whole numbers.
    @Test func wholeNumbersWrittenWithAnExponentOrAFractionPartAreIntegers() async throws {
        try await post(#"{"amountCents": 1e3, "discountCents": 2.0, "parts": [{"sku": "a", "quantity": 2.55e2}]}"#) { response in
            #expect(response.status == .created)
            let line = json(response.body)
            #expect(line["amountCents"] as? Int == 1000)
            #expect(line["discountCents"] as? Int == 2)
            #expect((line["parts"] as? [[String: Any]])?.first?["quantity"] as? Int == 255)
        }
    }

    @Test func malformedJSONStillGivesThePosition() async throws {
        try await post(#"{"amountCents": 19.99,}"#) { response in
            #expect(response.status == .badRequest)
            #expect((json(response.body)["detail"] as? String)?.hasPrefix("The body is not valid JSON: expected a quoted member name") == true)
        }
    }

    @Test func theProblemForAnErrorWithoutABodyStaysGeneric() {
        let error = DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "The given data was not valid JSON."))
        let body = ByteBuffer(string: #"{"amountCents": 19.99}"#)
        #expect(JSONBodyDecoding.problem(for: error, decoding: PricedLine.self, body: body).field == "amountCents")
        #expect(JSONBodyDecoding.problem(for: error, body: body).field == nil)
    }
}
