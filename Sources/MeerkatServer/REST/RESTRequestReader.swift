import Foundation
import HTTPTypes
import Hummingbird
import MeerkatService
import NIOCore

/// Reads and checks request bodies and query parameters: size limit (413), content type (415), JSON syntax (400),
/// the request schema of the OpenAPI document with unknown fields refused (422 naming the field), then typed
/// decoding (422 naming the field).
struct RESTRequestReader: Sendable {
    let limits: ServerLimits
    let validators: [String: JSONSchemaValidator]

    init(limits: ServerLimits, schemas: [String]) {
        self.limits = limits
        var validators: [String: JSONSchemaValidator] = [:]
        for name in schemas {
            // A schema that does not compile is a defect of the committed document, which a test catches; the
            // server then only skips that validation.
            validators[name] = try? OpenAPIDocument.validator(schema: name)
        }
        self.validators = validators
    }

    /// The JSON body, or nil when it is empty and not `required`.
    func json(_ request: Request, schema: String?, required: Bool) async throws -> JSONValue? {
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > limits.maxBodyBytes {
            throw Self.tooLarge(limits.maxBodyBytes)
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limits.maxBodyBytes)
        } catch is NIOTooManyBytesError {
            throw Self.tooLarge(limits.maxBodyBytes)
        }
        guard buffer.readableBytes > 0 else {
            if required { throw APIError.badRequest("a JSON request body is required") }
            return nil
        }
        let contentType = request.headers[.contentType]?.lowercased() ?? ""
        guard contentType.hasPrefix("application/json") else {
            throw APIError(
                status: 415, code: "unsupported_media_type",
                message: "request bodies must be application/json, got '\(contentType.isEmpty ? "none" : contentType)'")
        }
        let json: JSONValue
        do {
            json = try JSONValue.parse(Data(buffer.readableBytesView))
        } catch {
            throw APIError(status: 400, code: "malformed_json", message: "request body is not valid JSON: \(error)")
        }
        if let schema, let validator = validators[schema], let violation = validator.validate(json).first {
            throw Self.error(for: violation)
        }
        return json
    }

    /// Decodes a validated body into its type, naming the field of a decoding failure.
    func decode<T: Decodable>(_ json: JSONValue, as type: T.Type) throws -> T {
        do {
            return try WireJSON.fromJSONValue(json, as: type)
        } catch let error as DecodingError {
            throw Self.error(for: error)
        }
    }

    /// An integer query parameter within `range`.
    func int(_ request: Request, _ name: String, default value: Int, range: ClosedRange<Int>) throws -> Int {
        guard let text = request.uri.queryParameters[Substring(name)] else { return value }
        guard let parsed = Int(text), range.contains(parsed) else {
            throw APIError(
                status: 400, code: "invalid_query",
                message: "\(name) must be an integer in \(range.lowerBound)...\(range.upperBound), got '\(text)'",
                field: name)
        }
        return parsed
    }

    /// A boolean query parameter (`true`/`false`/`1`/`0`).
    func bool(_ request: Request, _ name: String, default value: Bool) throws -> Bool {
        guard let text = request.uri.queryParameters[Substring(name)] else { return value }
        switch text.lowercased() {
        case "true", "1": return true
        case "false", "0": return false
        default:
            throw APIError(
                status: 400, code: "invalid_query", message: "\(name) must be true or false, got '\(text)'",
                field: name)
        }
    }

    static func tooLarge(_ limit: Int) -> APIError {
        APIError(status: 413, code: "body_too_large", message: "request body exceeds \(limit) bytes")
    }

    static func field(_ pointer: String) -> String? {
        let parts = pointer.split(separator: "/").map {
            $0.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
        }
        return parts.isEmpty ? nil : parts.joined(separator: ".")
    }

    static func error(for violation: JSONSchemaViolation) -> APIError {
        let base = field(violation.instancePath)
        switch violation.keyword {
        case "additionalProperties":
            let name = violation.message.split(separator: "'").dropFirst().first.map(String.init) ?? "?"
            return .unknownField(base.map { "\($0).\(name)" } ?? name)
        case "required":
            let name = violation.message.split(separator: "'").dropFirst().first.map(String.init) ?? "?"
            return .invalid(violation.message, field: base.map { "\($0).\(name)" } ?? name)
        default:
            return .invalid(violation.message, field: base)
        }
    }

    static func error(for error: DecodingError) -> APIError {
        func path(_ context: DecodingError.Context, _ extra: (any CodingKey)? = nil) -> String? {
            let keys = context.codingPath + (extra.map { [$0] } ?? [])
            let text = keys.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
            return text.isEmpty ? nil : text
        }
        switch error {
        case .keyNotFound(let key, let context):
            return .invalid("missing required field '\(key.stringValue)'", field: path(context, key))
        case .typeMismatch(let type, let context):
            return .invalid("expected \(type): \(context.debugDescription)", field: path(context))
        case .valueNotFound(let type, let context):
            return .invalid("expected \(type), got null", field: path(context))
        case .dataCorrupted(let context):
            return .invalid(context.debugDescription, field: path(context))
        @unknown default:
            return .invalid("\(error)", field: nil)
        }
    }
}
