import FlotillaCore
import Hummingbird

/// Turns any error a route throws into the problem document the client receives.
///
/// Problems pass through; Hummingbird's `HTTPError`s keep their status and message; a
/// `DecodingError` that escaped a handler is a 400 naming the field; anything else is a 500 whose
/// detail reveals nothing internal (the error itself goes to the log).
public enum ProblemMapping {
    /// The problem for `error`, and whether it is the service's own fault (to be logged as an error).
    public static func problem(for error: any Error, method: HTTPRequest.Method, path: String) -> (ProblemDetails, isFault: Bool) {
        switch error {
        case let problem as ProblemDetails:
            return (problem, problem.status == 500)
        case let error as HTTPErrorWithProblem:
            return (error.problem, error.problem.status == 500)
        case let error as HTTPError:
            return (problem(forStatus: error.status, message: error.body, method: method, path: path), error.status.code >= 500)
        case let error as DecodingError:
            return (JSONBodyDecoding.problem(for: error), false)
        case let error as any HTTPResponseError:
            return (problem(forStatus: error.status, message: nil, method: method, path: path), error.status.code >= 500)
        default:
            return (.internalError(requestId: nil), true)
        }
    }

    static func problem(forStatus status: HTTPResponse.Status, message: String?, method: HTTPRequest.Method, path: String) -> ProblemDetails {
        switch status.code {
        case 404: return .notFound(message ?? "No route matches \(method.rawValue) \(path).")
        case 405: return .status(405, title: "Method Not Allowed", detail: message ?? "\(path) does not accept \(method.rawValue).")
        case 413:
            return .init(
                type: ProblemDetails.typeBase + "content-too-large",
                title: "Content Too Large",
                status: 413,
                detail: message ?? "The request body is too large."
            )
        case 400: return .badRequest(message ?? "The request is malformed.")
        default: return .status(Int(status.code), title: status.reasonPhrase, detail: message)
        }
    }
}
