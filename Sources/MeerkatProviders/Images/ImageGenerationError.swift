public import MeerkatCore

/// Why an image-generation call produced no image, with what classification needs: the HTTP status, the
/// provider's own error code or finish/block reason, and the provider's text (RUNTIME.md §14 step 5).
public struct ImageGenerationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong.
    public enum Kind: String, Sendable, Hashable, Codable {
        /// The provider's content filter blocked the prompt or the output (OpenAI `moderation_blocked` /
        /// `content_policy_violation`).
        case contentFilter = "content_filter"
        /// A Gemini safety block (`promptFeedback.blockReason`, finish reason `SAFETY`, `IMAGE_SAFETY`,
        /// `PROHIBITED_CONTENT`, ...).
        case safetyBlock = "safety_block"
        /// The model declined to draw (OpenAI refusal code, Gemini finish reason `NO_IMAGE` / `IMAGE_OTHER`).
        case modelRefusal = "model_refusal"
        /// The call succeeded but carried no image (possibly text: see `providerText`).
        case emptyResult = "empty_result"
        /// The provider timed out (HTTP 408/504, Gemini `DEADLINE_EXCEEDED`) or the call exceeded its deadline.
        case timeout
        /// The request was cancelled (the caller's task, or HTTP 499 / Gemini `CANCELLED`).
        case cancelled
        /// Any other non-2xx answer.
        case http
        /// The exchange failed below HTTP (connection refused, reset, TLS).
        case transport
        /// The request itself is invalid (checked before sending).
        case invalidRequest = "invalid_request"
        /// A 2xx answer that is not the documented shape (bad JSON, bad base64).
        case malformedResponse = "malformed_response"
    }

    /// What went wrong.
    public var kind: Kind
    /// The provider that answered (or was to answer).
    public var provider: ProviderKind
    /// The HTTP status, when an HTTP answer arrived.
    public var httpStatus: Int?
    /// The provider's machine-readable code: an error `code`/`status`, a Gemini finish or block reason.
    public var providerCode: String?
    /// A one-line human-readable explanation.
    public var message: String
    /// Text the provider sent instead of (or beside) an image, verbatim.
    public var providerText: String?

    /// Creates an error.
    public init(
        _ kind: Kind, provider: ProviderKind, message: String, httpStatus: Int? = nil, providerCode: String? = nil,
        providerText: String? = nil
    ) {
        self.kind = kind
        self.provider = provider
        self.message = message
        self.httpStatus = httpStatus
        self.providerCode = providerCode
        self.providerText = providerText
    }

    public var description: String {
        var parts = ["\(provider.rawValue) image generation: \(kind.rawValue)"]
        if let httpStatus { parts.append("HTTP \(httpStatus)") }
        if let providerCode { parts.append(providerCode) }
        return parts.joined(separator: ", ") + ": " + message
    }
}
