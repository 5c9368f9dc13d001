import Foundation

/// A failure as every server surface reports it: an HTTP status, a stable snake_case `code`, a message that says
/// what to do, and the request field at fault when one is. The REST body is `{"error":{code,message,field?}}`.
public struct APIError: Error, Sendable, Hashable, CustomStringConvertible {
    public var status: Int
    public var code: String
    public var message: String
    public var field: String?
    /// Seconds a client should wait before retrying (sent as `Retry-After`).
    public var retryAfterSeconds: Int?

    public init(status: Int, code: String, message: String, field: String? = nil, retryAfterSeconds: Int? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.retryAfterSeconds = retryAfterSeconds
    }

    public var description: String { "\(status) \(code): \(message)" + (field.map { " (field \($0))" } ?? "") }

    /// The JSON body of the error.
    public var body: [String: [String: String]] {
        var error = ["code": code, "message": message]
        if let field { error["field"] = field }
        return ["error": error]
    }

    static func badRequest(_ message: String, field: String? = nil) -> APIError {
        APIError(status: 400, code: "malformed_request", message: message, field: field)
    }

    static func invalid(_ message: String, field: String?) -> APIError {
        APIError(status: 422, code: "invalid_request", message: message, field: field)
    }

    static func unknownField(_ field: String) -> APIError {
        APIError(status: 422, code: "unknown_field", message: "unknown field '\(field)'", field: field)
    }
}
