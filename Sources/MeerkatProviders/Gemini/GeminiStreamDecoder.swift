import Foundation
import MeerkatCore

/// Decodes Gemini SSE chunks into `LLMEvent`s (PROVIDERS.md §4.3–§4.7).
///
/// Function calls arrive whole and get locally synthesised ids (the public API rarely sends one; a server id is
/// kept in the call's meta and echoed back). The stream has no end marker: EOF after a chunk with
/// `finishReason` is success, EOF without one is truncation.
struct GeminiStreamDecoder: StreamDecoder {
    /// One decoder per stream (creating one per event is measurable on the hot path).
    private let json = JSONDecoder()
    private var thought: (text: String, signature: String?)?
    private var callCount = 0
    private var finishReason: String?
    private var fallbackIDs = FallbackCallIDs()

    var pendingOutcome: LLMStreamOutcome? { finishReason == nil ? nil : outcome() }

    mutating func decode(_ event: SSEEvent, atEOF: Bool) -> [LLMEvent] {
        let chunk: GeminiWireChunk
        do {
            chunk = try json.decode(GeminiWireChunk.self, from: Data(event.data.utf8))
        } catch {
            return [StreamFailures.unparsable(event, atEOF: atEOF, "not a GenerateContentResponse")]
        }
        if let error = chunk.error {
            let classified =
                ProviderErrorClassifier.classifyInBand(["error": error])
                ?? LLMError(.unknown, "Gemini stream error: \(error.compactText())")
            return [.done(.failure(classified))]
        }
        if let reason = chunk.promptFeedback?.blockReason, chunk.candidates?.isEmpty ?? true {
            return [.done(.failure(LLMError(.contentFiltered, "Gemini blocked the prompt (\(reason))")))]
        }
        var events: [LLMEvent] = []
        // Content after the chunk that finished the candidate is ignored (only usage may still change).
        if let candidate = chunk.candidates?.first, finishReason == nil {
            for part in candidate.content?.parts ?? [] { events += apply(part) }
            if let reason = candidate.finishReason { finishReason = reason }
        }
        if let usage = chunk.usageMetadata {
            let cached = usage.cachedContentTokenCount
            events.append(
                .usage(
                    Usage(
                        inputTokens: max(0, (usage.promptTokenCount ?? 0) - (cached ?? 0)),
                        outputTokens: (usage.candidatesTokenCount ?? 0) + (usage.thoughtsTokenCount ?? 0),
                        cacheReadTokens: cached)))
        }
        return events
    }

    mutating func finishAtEOF() -> [LLMEvent] {
        guard finishReason != nil else {
            return closeThought() + [.done(.failure(StreamFailures.truncated("no finishReason")))]
        }
        return closeThought() + [.done(outcome())]
    }

    private mutating func apply(_ part: GeminiWireChunk.Part) -> [LLMEvent] {
        if part.thought == true {
            let text = part.text ?? ""
            thought = ((thought?.text ?? "") + text, part.thoughtSignature ?? thought?.signature)
            return text.isEmpty ? [] : [.reasoningDelta(text)]
        }
        var events = closeThought()
        if let call = part.functionCall {
            let id = call.id ?? fallbackIDs.id(callCount)
            callCount += 1
            var data: [String: JSONValue] = [:]
            if let signature = part.thoughtSignature { data["thought_signature"] = .string(signature) }
            if let serverID = call.id { data["id"] = .string(serverID) }
            let meta = data.isEmpty ? nil : ProviderMeta(provider: ProviderKind.gemini.rawValue, data: .object(data))
            events.append(
                .toolCallComplete(
                    id: id, name: call.name ?? "", args: (call.args ?? .object([:])).compactText(), meta: meta))
        } else if let text = part.text {
            let meta = part.thoughtSignature.map {
                ProviderMeta(provider: ProviderKind.gemini.rawValue, data: ["thought_signature": .string($0)])
            }
            if !text.isEmpty || meta != nil { events.append(.textDelta(text, meta: meta)) }
        }
        return events
    }

    private mutating func closeThought() -> [LLMEvent] {
        guard let open = thought else { return [] }
        thought = nil
        let meta = open.signature.map {
            ProviderMeta(provider: ProviderKind.gemini.rawValue, data: ["thought_signature": .string($0)])
        }
        return [.reasoningComplete(text: open.text, meta: meta)]
    }

    private func outcome() -> LLMStreamOutcome {
        switch finishReason {
        case "STOP", nil: .success(callCount > 0 ? .toolUse : .endTurn)
        case "MAX_TOKENS": .success(.maxTokens)
        case "SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY": .success(.contentFilter)
        case let other?: .failure(LLMError(.unknown, "Gemini finished with \(other)"))
        }
    }
}
