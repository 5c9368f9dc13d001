import MeerkatCore

/// The failures every decoder reports the same way.
enum StreamFailures {
    /// The body ended before the provider's terminal event. Retryable: a new call replays the whole request.
    static func truncated(_ detail: String) -> LLMError {
        LLMError(.incompleteResponse, "stream ended early: \(detail)", retryableOverride: true)
    }

    /// An event whose payload could not be understood.
    static func malformed(_ event: SSEEvent, _ reason: String) -> LLMError {
        LLMError(.streamParseError, "malformed \(event.type ?? "data") event: \(reason): \(event.data.prefix(200))")
    }

    /// A payload that failed to parse: truncation at end of body, otherwise a protocol error.
    static func unparsable(_ event: SSEEvent, atEOF: Bool, _ reason: String) -> LLMEvent {
        .done(.failure(atEOF ? truncated("last event cut off (\(reason))") : malformed(event, reason)))
    }
}
