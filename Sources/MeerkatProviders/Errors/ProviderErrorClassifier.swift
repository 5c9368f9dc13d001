import AsyncHTTPClient
import Foundation
import MeerkatCore
import NIOCore
import NIOHTTP1

/// Turns HTTP error responses, in-band stream errors and transport failures into typed `LLMError`s with
/// retryability and retry-after hints (PROVIDERS.md §1.9, §2.8, §3.6, §4.7, §5, §6).
public enum ProviderErrorClassifier {
    /// Largest error body read for classification; the rest is discarded.
    public static let maxErrorBodyBytes = 64 * 1024

    /// Classifies a non-2xx HTTP response.
    public static func classify(status: Int, headers: HTTPHeaders, body: [UInt8], now: Date = Date()) -> LLMError {
        let payload = (try? JSONValue.parse(Data(body))).flatMap(ProviderErrorPayload.init(json:))
        let kind = kind(status: status, payload: payload)
        let message = payload?.message ?? describeNonJSON(status: status, headers: headers, body: body)
        var retryAfter = RetryHint.retryAfter(from: headers, now: now) ?? payload?.retryDelay
        if !kind.isRetryable { retryAfter = nil }
        return LLMError(
            kind, message, status: status, retryAfter: retryAfter,
            retryableOverride: RetryHint.shouldRetry(from: headers))
    }

    /// Classifies an error object that arrived inside a 200 stream (an Anthropic `error` event, a Chat `error`
    /// payload, a Responses `response.failed`, a Gemini `error` chunk, a llama.cpp `error:` line).
    /// Returns nil when `json` carries no error.
    public static func classifyInBand(_ json: JSONValue) -> LLMError? {
        guard let payload = ProviderErrorPayload(json: json) else { return nil }
        let status = payload.numericCode.flatMap { (400..<600).contains($0) ? $0 : nil }
        let kind = kind(status: status, payload: payload)
        let message = payload.message ?? json.compactText()
        return LLMError(kind, message, status: status, retryAfter: kind.isRetryable ? payload.retryDelay : nil)
    }

    /// Classifies a failure of the HTTP exchange itself.
    /// - Parameter afterResponseHead: whether the response head had arrived (a read timeout then means a stall).
    public static func classify(transportError error: any Error, afterResponseHead: Bool) -> LLMError {
        if let error = error as? HTTPClientError {
            switch error {
            case .readTimeout:
                return afterResponseHead
                    ? LLMError(.streamStalled, "no bytes from the provider within the read timeout")
                    : LLMError(.networkTimeout, "no response from the provider within the read timeout")
            case .connectTimeout, .tlsHandshakeTimeout, .getConnectionFromPoolTimeout, .writeTimeout:
                return LLMError(.networkTimeout, "HTTP \(error.shortDescription)")
            case .deadlineExceeded:
                return LLMError(.callTimeout, "the provider call exceeded its deadline")
            case .remoteConnectionClosed:
                return LLMError(.connectionReset, "the provider closed the connection")
            case .invalidURL, .emptyHost, .emptyScheme:
                return LLMError(.invalidConfig, "invalid provider URL: \(error.shortDescription)")
            default:
                return LLMError(.connectionReset, "HTTP failure: \(error.shortDescription)")
            }
        }
        if error is ChannelError || error is IOError {
            return LLMError(.connectionReset, "connection failure: \(error)")
        }
        return LLMError(.connectionReset, "transport failure: \(error)")
    }

    /// The kind for a status and/or error tokens; content (quota, context, filter, key) beats the status.
    static func kind(status: Int?, payload: ProviderErrorPayload?) -> LLMError.Kind {
        let tokens = payload?.tokens ?? []
        let message = payload?.message?.lowercased() ?? ""
        if !tokens.isDisjoint(with: ["insufficient_quota", "billing_error", "enforced_spend_limit_reached"])
            || payload?.quotaIDs.contains(where: { $0.contains("PerDay") }) == true
        {
            return .quotaExceeded
        }
        if !tokens.isDisjoint(with: ["context_length_exceeded", "exceed_context_size_error"])
            || [
                "context length", "context window", "prompt is too long", "maximum context", "context size",
                "input token count",
            ]
            .contains(where: message.contains)
        {
            return .contextLengthExceeded
        }
        if !tokens.isDisjoint(with: ["content_filter", "content_policy_violation", "safety"]) {
            return .contentFiltered
        }
        if !tokens.isDisjoint(with: ["invalid_api_key", "api_key_invalid"]) { return .invalidAPIKey }
        if let status = status ?? payload?.numericCode.flatMap({ (400..<600).contains($0) ? $0 : nil }) {
            return kind(status: status, tokens: tokens)
        }
        return kind(tokens: tokens)
    }

    private static func kind(status: Int, tokens: Set<String>) -> LLMError.Kind {
        switch status {
        case 401, 403: .authenticationFailed
        case 402: .quotaExceeded
        case 404: .modelNotFound
        case 408: .networkTimeout
        case 409: .serverError
        case 413: .requestTooLarge
        case 429: .rateLimited
        case 503, 529: .serverOverloaded
        case 500..<600: tokens.contains("overloaded_error") ? .serverOverloaded : .serverError
        case 400..<500: .invalidRequest
        default: .unknown
        }
    }

    private static func kind(tokens: Set<String>) -> LLMError.Kind {
        let table: [(LLMError.Kind, Set<String>)] = [
            (.serverOverloaded, ["overloaded_error", "server_is_overloaded", "unavailable"]),
            (.rateLimited, ["rate_limit_error", "rate_limit_exceeded", "resource_exhausted"]),
            (.networkTimeout, ["timeout_error", "deadline_exceeded"]),
            (.serverError, ["api_error", "server_error", "internal", "internal_error", "internal_server_error"]),
            (
                .authenticationFailed,
                ["authentication_error", "permission_error", "unauthenticated", "permission_denied"]
            ),
            (.modelNotFound, ["not_found_error", "not_found", "model_not_found", "notfounderror"]),
            (.requestTooLarge, ["request_too_large"]),
            (
                .invalidRequest,
                [
                    "invalid_request_error", "invalid_argument", "invalid_prompt", "failed_precondition",
                    "badrequesterror",
                ]
            ),
        ]
        return table.first { !$0.1.isDisjoint(with: tokens) }?.0 ?? .unknown
    }

    /// A message for bodies that are not a JSON error (proxy HTML pages, empty bodies).
    private static func describeNonJSON(status: Int, headers: HTTPHeaders, body: [UInt8]) -> String {
        let reason = HTTPResponseStatus(statusCode: status).reasonPhrase
        guard !body.isEmpty else { return "HTTP \(status) \(reason) with an empty body" }
        var text = String(decoding: body.prefix(2048), as: UTF8.self)
        if headers.first(name: "content-type")?.contains("html") == true || text.hasPrefix("<") {
            text = text.replacingOccurrences(of: "<[^>]*>", with: " ", options: .regularExpression)
        }
        let collapsed = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        return "HTTP \(status) \(reason): \(collapsed.prefix(200))"
    }
}
