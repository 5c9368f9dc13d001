public import Foundation

/// An HTTP error the mock answers with, rendered in the dialect's own body shape (PROVIDERS.md §7 items 17–18).
public enum MockError: Sendable, Hashable {
    /// How a 429 tells the client when to retry.
    public enum RetryAfter: Sendable, Hashable {
        /// `retry-after: N` (for Gemini: `RetryInfo.retryDelay: "Ns"` in the body instead).
        case seconds(Int)
        /// `retry-after-ms: N`.
        case milliseconds(Int)
        /// `retry-after: <HTTP date>`.
        case httpDate(Date)
        /// No hint.
        case none
    }

    /// 429 rate limit, with rate-limit headers, a hint and optionally `x-should-retry`.
    case rateLimited(RetryAfter, shouldRetry: Bool? = nil)
    /// 429 that retrying cannot fix: OpenAI `insufficient_quota`, Anthropic spend limit, Gemini per-day quota.
    case quotaExhausted
    /// Overload: Anthropic 529 `overloaded_error`, others 503.
    case overloaded
    /// A JSON 5xx (or any status) in the dialect's shape.
    case server(status: Int)
    /// 502 with an HTML body from a proxy.
    case badGatewayHTML
    /// 400 context-length error.
    case contextLengthExceeded
    /// 404 unknown model.
    case unknownModel
    /// 401 (Gemini: 400 `API_KEY_INVALID`).
    case unauthorized
    /// 413 request too large.
    case requestTooLarge
    /// 400 invalid request with a message.
    case invalidRequest(String)
    /// A status with an empty body.
    case emptyBody(status: Int)
}
