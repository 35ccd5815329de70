import FlotillaCore
import Foundation
import Hummingbird

/// Decodes JSON request bodies with errors a client can act on.
///
/// The body is read up to the context's limit (413 beyond it); malformed JSON is a 400 giving the
/// position; a missing or mistyped field is a 400 naming the field by its JSON path (`card.number`), and so is
/// a number that does not fit an integer field (`19.99` or `9999999999999999999` for an `Int`), which
/// Foundation's decoder on Linux reports without a path.
public enum JSONBodyDecoding {
    /// The 400 problem for a decoding error, naming the field or the position.
    public static func problem(for error: DecodingError, body: ByteBuffer? = nil) -> ProblemDetails {
        problem(for: error, body: body, integerMisfit: { _ in nil })
    }

    /// The 400 problem for an error decoding `type` from `body`; when the decoder gave no field, finds the
    /// integer field whose number does not fit and names it.
    public static func problem<T: Decodable>(for error: DecodingError, decoding type: T.Type, body: ByteBuffer) -> ProblemDetails {
        problem(for: error, body: body, integerMisfit: { JSONIntegerFieldLocator.locate(T.self, in: $0) })
    }

    private static func problem(
        for error: DecodingError,
        body: ByteBuffer?,
        integerMisfit: ([UInt8]) -> JSONIntegerFieldLocator.Misfit?
    ) -> ProblemDetails {
        switch error {
        case .keyNotFound(let key, let context):
            let field = path(context.codingPath + [key])
            return .invalidField(field, "\(field) is required.")
        case .valueNotFound(let type, let context):
            let field = path(context.codingPath)
            return .invalidField(field, "\(field) must not be null; expected \(describe(type)).")
        case .typeMismatch(let type, let context):
            let field = path(context.codingPath)
            return .invalidField(field, "\(field) has the wrong type; expected \(describe(type)).")
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty {
                if let body {
                    let bytes = Array(body.readableBytesView)
                    if let failure = JSONSyntaxLocator.locate(bytes) { return .badRequest("The body is not valid JSON: \(failure).") }
                    if let misfit = integerMisfit(bytes) {
                        let field = path(misfit.codingPath)
                        return .invalidField(field, "\(field) must be an integer \(misfit.range).")
                    }
                }
                return .badRequest("The body is not valid JSON: \(context.debugDescription)")
            }
            let field = path(context.codingPath)
            return .invalidField(field, "\(field) is invalid: \(context.debugDescription)")
        @unknown default:
            return .badRequest("The body could not be decoded.")
        }
    }

    /// A coding path as a JSON path: `items[2].sku`.
    static func path(_ codingPath: [any CodingKey]) -> String {
        var result = ""
        for key in codingPath {
            if let index = key.intValue {
                result += "[\(index)]"
            } else {
                result += result.isEmpty ? key.stringValue : "." + key.stringValue
            }
        }
        return result.isEmpty ? "body" : result
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Int.Type, is Int64.Type, is Int32.Type: return "an integer"
        case is Double.Type, is Float.Type: return "a number"
        case is Bool.Type: return "true or false"
        default:
            let name = String(describing: type)
            if name.hasPrefix("Array") { return "an array" }
            if name.hasPrefix("Dictionary") { return "an object" }
            return "an object"
        }
    }
}

extension Request {
    /// Decodes the JSON body as `type`, throwing a ``ProblemDetails`` (400, 413 or 415) a client can act on.
    ///
    /// ```swift
    /// let input = try await request.decodeJSON(as: NewUser.self, context: context)
    /// ```
    public func decodeJSON<T: Decodable>(as type: T.Type, context: ServiceRequestContext) async throws -> T {
        if let contentType = headers[.contentType], !contentType.isEmpty {
            let mediaType = contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
            guard mediaType == "application/json" || mediaType.hasSuffix("+json") else {
                throw ProblemDetails.unsupportedMediaType("Content-Type \(contentType) is not accepted; send application/json.")
            }
        }
        let buffer: ByteBuffer
        do {
            buffer = try await body.collect(upTo: context.bodyLimit)
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            throw ProblemDetails.contentTooLarge(limit: context.bodyLimit)
        }
        guard buffer.readableBytes > 0 else {
            throw ProblemDetails.badRequest("The request body is empty; expected a JSON object.")
        }
        do {
            return try JSONDecoder().decode(T.self, from: buffer)
        } catch let error as DecodingError {
            throw JSONBodyDecoding.problem(for: error, decoding: T.self, body: buffer)
        }
    }
}
