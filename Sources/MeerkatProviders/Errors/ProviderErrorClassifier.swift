import AsyncHTTPClient
public import Foundation
public import MeerkatCore
import NIOCore
public import NIOHTTP1

/// Turns HTTP error responses, in-band stream errors and transport failures into typed `LLMError`s with
/// retryability and retry-after hints (PROVIDERS.md §1.9, §2.8, §3.6, §4.7, §5, §6).
public enum ProviderErrorClassifier {
    /// Largest error body read for classification; the rest is discarded.
    public static let maxErrorBodyBytes = 64 * 1024

    /// Classifies a non-2xx HTTP response.
    public static func classify(status: Int, headers: HTTPHeaders, body: [UInt8], now: Date = Date()) -> LLMError {
        let payload = (try? JSONValue.parse(Data(body))).flatMap(ProviderErrorPayload.init(json:))
        var kind = kind(status: status, payload: payload)
        let fullMessage = payload?.message ?? describeNonJSON(status: status, headers: headers, body: body)
        // Some servers answer a request they refuse with a 5xx: retrying the same request cannot help.
        let refusedRequest = kind.isRetryable && saysRequestIsInvalid(fullMessage)
        if refusedRequest { kind = .invalidRequest }
        let message = oneLine(fullMessage)
        var retryAfter = RetryHint.retryAfter(from: headers, now: now) ?? payload?.retryDelay
        if !kind.isRetryable { retryAfter = nil }
        var error = LLMError(
            kind, message, status: status, retryAfter: retryAfter,
            retryableOverride: refusedRequest ? nil : RetryHint.shouldRetry(from: headers))
        if message != fullMessage { error.detail = fullMessage }
        return error
    }

    /// Phrases with which servers (FastAPI/pydantic-based ones especially) say the request itself is invalid.
    static let invalidRequestPhrases = [
        "validation error", "validationerror", "invalid request", "invalid_request", "request validation",
        "field required", "input should be", "extra inputs are not permitted", "unsupported parameter",
        "unprocessable",
    ]

    /// Whether an error text says the request itself is invalid (so a retry of the same request must fail too).
    static func saysRequestIsInvalid(_ text: String) -> Bool {
        let lowered = text.lowercased()
        return invalidRequestPhrases.contains(where: lowered.contains)
    }

    /// Classifies an error object that arrived inside a 200 stream (an Anthropic `error` event, a Chat `error`
    /// payload, a Responses `response.failed`, a Gemini `error` chunk, a llama.cpp `error:` line).
    /// Returns nil when `json` carries no error.
    public static func classifyInBand(_ json: JSONValue) -> LLMError? {
        guard let payload = ProviderErrorPayload(json: json) else { return nil }
        let status = payload.numericCode.flatMap { (400..<600).contains($0) ? $0 : nil }
        var kind = kind(status: status, payload: payload)
        let fullMessage = payload.message ?? json.compactText()
        if kind.isRetryable, saysRequestIsInvalid(fullMessage) { kind = .invalidRequest }
        return LLMError(
            kind, oneLine(fullMessage), status: status, retryAfter: kind.isRetryable ? payload.retryDelay : nil)
    }

    /// Classifies a failure of the HTTP exchange itself.
    /// - Parameters:
    ///   - afterResponseHead: whether the response head had arrived (a read timeout then means a stall).
    ///   - url: the request URL, named in a "cannot connect" message.
    public static func classify(transportError error: any Error, afterResponseHead: Bool, url: String? = nil)
        -> LLMError
    {
        if !afterResponseHead, isConnectionRefused(error) {
            // Nobody listens there: one retry covers a server that is just starting; more only delay the answer.
            var refused = LLMError(.connectionReset, "cannot connect to \(origin(of: url)) (connection refused)")
            refused.maxRetries = 1
            return refused
        }
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
            return LLMError(.connectionReset, "connection failure: \(oneLine(String(describing: error)))")
        }
        return LLMError(.connectionReset, "transport failure: \(oneLine(String(describing: error)))")
    }

    /// Whether the connection was refused (ECONNREFUSED), however the HTTP stack wrapped it.
    static func isConnectionRefused(_ error: any Error) -> Bool {
        if let error = error as? IOError, error.errnoCode == ECONNREFUSED { return true }
        return String(describing: error).localizedCaseInsensitiveContains("connection refused")
    }

    /// `scheme://host:port` of a URL (the path says nothing about why a connection failed).
    static func origin(of url: String?) -> String {
        guard let url, let components = URLComponents(string: url), let scheme = components.scheme,
            let host = components.host
        else { return url ?? "the provider" }
        return components.port.map { "\(scheme)://\(host):\($0)" } ?? "\(scheme)://\(host)"
    }

    /// Provider text cut to one line: the first non-blank line (a server's traceback adds nothing a person can act
    /// on), whitespace collapsed, at most `limit` characters, unbalanced brackets left out.
    public static func oneLine(_ text: String, limit: Int = 300) -> String {
        let first =
            text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .first { !$0.isEmpty } ?? ""
        var line = first.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        if line.count > limit { line = String(line.prefix(limit)) + "…" }
        return balanced(line)
    }

    /// Drops closing brackets without an opening one and closes the ones left open.
    static func balanced(_ text: String) -> String {
        let pairs: [Character: Character] = [")": "(", "]": "[", "}": "{"]
        var open: [Character] = []
        var out = ""
        for character in text {
            if let opener = pairs[character] {
                guard open.last == opener else { continue }
                open.removeLast()
            } else if pairs.values.contains(character) {
                open.append(character)
            }
            out.append(character)
        }
        let closers: [Character: Character] = ["(": ")", "[": "]", "{": "}"]
        for opener in open.reversed() { out.append(closers[opener] ?? ")") }
        return out
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
