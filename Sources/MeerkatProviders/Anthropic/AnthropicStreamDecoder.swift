import Foundation
import MeerkatCore

/// Decodes the Messages API event stream into `LLMEvent`s (PROVIDERS.md §1.3–§1.8).
struct AnthropicStreamDecoder: StreamDecoder {
    /// One decoder per stream (creating one per event is measurable on the hot path).
    private let json = JSONDecoder()
    private enum Block {
        case text
        case toolUse(id: String, name: String, json: String)
        case thinking(text: String, signature: String)
        case redactedThinking(data: String)
        case other
    }

    private var blocks: [Int: Block] = [:]
    private var usage = Usage()
    private var stopReason: String?
    private var sawToolUse = false

    mutating func decode(_ event: SSEEvent, atEOF: Bool) -> [LLMEvent] {
        let wire: AnthropicWireEvent
        do {
            wire = try json.decode(AnthropicWireEvent.self, from: Data(event.data.utf8))
        } catch {
            return [StreamFailures.unparsable(event, atEOF: atEOF, "not a JSON event")]
        }
        switch wire.type ?? event.type {
        case "message_start":
            return mergeUsage(wire.message?.usage)
        case "content_block_start":
            return startBlock(wire, event)
        case "content_block_delta":
            return applyDelta(wire, event)
        case "content_block_stop":
            return stopBlock(wire, event)
        case "message_delta":
            if let reason = wire.delta?.stopReason { stopReason = reason }
            return mergeUsage(wire.usage)
        case "message_stop":
            return [.done(outcome())]
        case "error":
            let json = (try? JSONValue.parse(event.data)) ?? .null
            let error = ProviderErrorClassifier.classifyInBand(json) ?? StreamFailures.malformed(event, "error event")
            return [.done(.failure(error))]
        default:
            // `ping` and event types added after this client was written.
            return []
        }
    }

    mutating func finishAtEOF() -> [LLMEvent] {
        [.done(.failure(StreamFailures.truncated("no message_stop")))]
    }

    private mutating func startBlock(_ wire: AnthropicWireEvent, _ event: SSEEvent) -> [LLMEvent] {
        guard let index = wire.index, let block = wire.contentBlock else {
            return [.done(.failure(StreamFailures.malformed(event, "content_block_start without index or block")))]
        }
        switch block.type {
        case "text":
            blocks[index] = .text
            if let text = block.text, !text.isEmpty { return [.textDelta(text)] }
        case "tool_use":
            guard let id = block.id, let name = block.name else {
                return [.done(.failure(StreamFailures.malformed(event, "tool_use without id or name")))]
            }
            blocks[index] = .toolUse(id: id, name: name, json: "")
            sawToolUse = true
            return [.toolCallDelta(id: id, name: name, argsDelta: "")]
        case "thinking":
            blocks[index] = .thinking(text: block.thinking ?? "", signature: block.signature ?? "")
            if let text = block.thinking, !text.isEmpty { return [.reasoningDelta(text)] }
        case "redacted_thinking":
            blocks[index] = .redactedThinking(data: block.data ?? "")
        default:
            // Server-tool blocks (web search and friends) are not part of the normalised stream yet.
            blocks[index] = .other
        }
        return []
    }

    private mutating func applyDelta(_ wire: AnthropicWireEvent, _ event: SSEEvent) -> [LLMEvent] {
        guard let index = wire.index, let delta = wire.delta, let block = blocks[index] else {
            return [.done(.failure(StreamFailures.malformed(event, "delta for a block that was never started")))]
        }
        switch (block, delta.type) {
        case (.text, "text_delta"):
            if let text = delta.text, !text.isEmpty { return [.textDelta(text)] }
        case (.toolUse(let id, let name, let json), "input_json_delta"):
            let fragment = delta.partialJSON ?? ""
            blocks[index] = .toolUse(id: id, name: name, json: json + fragment)
            if !fragment.isEmpty { return [.toolCallDelta(id: id, name: nil, argsDelta: fragment)] }
        case (.thinking(let text, let signature), "thinking_delta"):
            let fragment = delta.thinking ?? ""
            blocks[index] = .thinking(text: text + fragment, signature: signature)
            if !fragment.isEmpty { return [.reasoningDelta(fragment)] }
        case (.thinking(let text, let signature), "signature_delta"):
            blocks[index] = .thinking(text: text, signature: signature + (delta.signature ?? ""))
        default:
            // citations_delta and deltas of server-tool blocks.
            break
        }
        return []
    }

    private mutating func stopBlock(_ wire: AnthropicWireEvent, _ event: SSEEvent) -> [LLMEvent] {
        guard let index = wire.index, let block = blocks[index] else {
            return [.done(.failure(StreamFailures.malformed(event, "stop for a block that was never started")))]
        }
        switch block {
        case .toolUse(let id, let name, let json):
            // Arguments are passed on raw; the agent records unparsable ones as an argument error for the model.
            return [.toolCallComplete(id: id, name: name, args: json.isEmpty ? "{}" : json, meta: nil)]
        case .thinking(let text, let signature):
            let meta = ProviderMeta(provider: ProviderKind.anthropic.rawValue, data: ["signature": .string(signature)])
            return [.reasoningComplete(text: text, meta: meta)]
        case .redactedThinking(let data):
            let meta = ProviderMeta(provider: ProviderKind.anthropic.rawValue, data: ["redacted_data": .string(data)])
            return [.reasoningComplete(text: "", meta: meta)]
        case .text, .other:
            return []
        }
    }

    /// Usage fields are cumulative: the last value of each field wins (PROVIDERS.md §1.7).
    private mutating func mergeUsage(_ wire: AnthropicWireEvent.Usage?) -> [LLMEvent] {
        guard let wire else { return [] }
        if let value = wire.inputTokens { usage.inputTokens = value }
        if let value = wire.outputTokens { usage.outputTokens = value }
        if let value = wire.cacheCreationInputTokens { usage.cacheCreationTokens = value }
        if let value = wire.cacheReadInputTokens { usage.cacheReadTokens = value }
        return [.usage(usage)]
    }

    private func outcome() -> LLMStreamOutcome {
        switch stopReason {
        case "end_turn", "pause_turn": .success(.endTurn)
        case "stop_sequence": .success(.stopSequence)
        case "tool_use": .success(.toolUse)
        case "max_tokens", "model_context_window_exceeded": .success(.maxTokens)
        case "refusal": .success(.contentFilter)
        case nil: .success(sawToolUse ? .toolUse : .endTurn)
        case let other?: .failure(LLMError(.unknown, "unrecognised Anthropic stop_reason '\(other)'"))
        }
    }
}
