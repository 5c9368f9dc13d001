import MeerkatCore

/// Turns one provider's SSE events into normalised `LLMEvent`s. A value type: the driver owns one per call.
protocol StreamDecoder: Sendable {
    /// Events for one SSE event; a `.done` ends the stream. `atEOF` marks the unterminated tail event the parser
    /// dispatched at end of body, whose malformed JSON means truncation rather than a protocol error.
    mutating func decode(_ event: SSEEvent, atEOF: Bool) -> [LLMEvent]
    /// Events for a line with a non-standard field name (llama.cpp `error:` lines).
    mutating func decodeUnknownField(name: String, value: String) -> [LLMEvent]
    /// Events once the body ended without a terminal event; must end with `.done`.
    mutating func finishAtEOF() -> [LLMEvent]
    /// Set once the stream is logically complete but may still carry trailing data (Chat Completions usage after
    /// `finish_reason`): the outcome to report if the trailer does not come within the driver's trailer wait.
    var pendingOutcome: LLMStreamOutcome? { get }
}

extension StreamDecoder {
    mutating func decodeUnknownField(name: String, value: String) -> [LLMEvent] {
        guard name == "error" else { return [] }
        let json = (try? JSONValue.parse(value)) ?? .object(["error": .object(["message": .string(value)])])
        let error =
            ProviderErrorClassifier.classifyInBand(json)
            ?? ProviderErrorClassifier.classifyInBand(.object(["error": json]))
            ?? LLMError(.unknown, "provider sent an error line: \(value)")
        return [.done(.failure(error))]
    }

    var pendingOutcome: LLMStreamOutcome? { nil }
}
