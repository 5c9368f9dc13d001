import Foundation
import MeerkatCore

/// Decodes Chat Completions chunks into `LLMEvent`s (PROVIDERS.md §2.3–§2.8, §5).
///
/// Tool-call fragments are keyed by `index` (interleaving allowed); ids missing on the wire are synthesised
/// uniquely. The turn is complete at `finish_reason`, but the stream is read on to `[DONE]`/EOF for the trailing
/// usage chunk, bounded by the driver's trailer wait.
struct ChatCompletionsStreamDecoder: StreamDecoder {
    private struct Call {
        var id: String
        var name: String
        var arguments: String
    }

    private var calls: [Int: Call] = [:]
    private var callOrder: [Int] = []
    private var callsCompleted = false
    private var reasoning: String?
    private var finishReason: String?
    private var refused = false
    private var fallbackIDs = FallbackCallIDs()

    /// The `.done(.failure)` event of an in-band error envelope, if `data` is one.
    private static func inBandError(_ data: String) -> LLMEvent? {
        guard let json = try? JSONValue.parse(data), let error = ProviderErrorClassifier.classifyInBand(json) else {
            return nil
        }
        return .done(.failure(error))
    }

    var pendingOutcome: LLMStreamOutcome? { finishReason == nil ? nil : outcome() }

    mutating func decode(_ event: SSEEvent, atEOF: Bool) -> [LLMEvent] {
        if event.data == "[DONE]" {
            return completeTurn() + [.done(outcome())]
        }
        let chunk: ChatCompletionsWireChunk
        do {
            chunk = try ChatCompletionsWireChunk(text: event.data)
        } catch {
            if let failure = Self.inBandError(event.data) { return [failure] }
            return [StreamFailures.unparsable(event, atEOF: atEOF, "not a chat.completion.chunk")]
        }
        // An error envelope reads as an empty chunk (PROVIDERS.md §5). Only such a chunk is searched for one, so
        // the text deltas of the hot path never pay for a scan.
        if chunk.choices == nil && chunk.usage == nil, let failure = Self.inBandError(event.data) {
            return [failure]
        }
        var events: [LLMEvent] = []
        if let choice = chunk.choices?.first(where: { ($0.index ?? 0) == 0 }) {
            if let delta = choice.delta { events += apply(delta) }
            if let reason = choice.finishReason {
                finishReason = reason
                events += completeTurn()
            }
        }
        if let usage = chunk.usage {
            let cached = usage.cachedTokens
            events.append(
                .usage(
                    Usage(
                        inputTokens: max(0, (usage.promptTokens ?? 0) - (cached ?? 0)),
                        outputTokens: usage.completionTokens ?? 0, cacheReadTokens: cached)))
        }
        return events
    }

    mutating func finishAtEOF() -> [LLMEvent] {
        // Self-hosted servers may close without `[DONE]`; after a finish_reason that is success.
        guard finishReason != nil else {
            return [.done(.failure(StreamFailures.truncated("no finish_reason or [DONE]")))]
        }
        return completeTurn() + [.done(outcome())]
    }

    private mutating func apply(_ delta: ChatCompletionsWireChunk.Delta) -> [LLMEvent] {
        var events: [LLMEvent] = []
        // A delta may carry reasoning and content together; reasoning comes first.
        if let thinking = delta.reasoningContent ?? delta.reasoning, !thinking.isEmpty {
            reasoning = (reasoning ?? "") + thinking
            events.append(.reasoningDelta(thinking))
        }
        if let text = delta.content, !text.isEmpty {
            events += closeReasoning()
            events.append(.textDelta(text))
        }
        if let refusal = delta.refusal, !refusal.isEmpty {
            refused = true
            events += closeReasoning()
            events.append(.textDelta(refusal))
        }
        for fragment in delta.toolCalls ?? [] {
            events += closeReasoning()
            let index = fragment.index ?? (fragment.id == nil ? callOrder.last : nil) ?? callOrder.count
            let argumentFragment = fragment.function?.arguments ?? ""
            if var call = calls[index] {
                if call.name.isEmpty, let name = fragment.function?.name { call.name = name }
                call.arguments += argumentFragment
                calls[index] = call
                if !argumentFragment.isEmpty {
                    events.append(.toolCallDelta(id: call.id, name: nil, argsDelta: argumentFragment))
                }
            } else {
                let id = fragment.id.flatMap { $0.isEmpty ? nil : $0 } ?? fallbackIDs.id(index)
                let call = Call(id: id, name: fragment.function?.name ?? "", arguments: argumentFragment)
                calls[index] = call
                callOrder.append(index)
                events.append(.toolCallDelta(id: id, name: call.name, argsDelta: argumentFragment))
            }
        }
        return events
    }

    private mutating func closeReasoning() -> [LLMEvent] {
        guard let text = reasoning else { return [] }
        reasoning = nil
        return [.reasoningComplete(text: text, meta: nil)]
    }

    /// Reasoning and tool calls are complete once the finish reason (or the end) arrives; emitted once.
    private mutating func completeTurn() -> [LLMEvent] {
        var events = closeReasoning()
        guard !callsCompleted else { return events }
        callsCompleted = true
        for index in callOrder {
            guard let call = calls[index] else { continue }
            events.append(
                .toolCallComplete(
                    id: call.id, name: call.name, args: call.arguments.isEmpty ? "{}" : call.arguments, meta: nil))
        }
        return events
    }

    private func outcome() -> LLMStreamOutcome {
        switch finishReason {
        case "stop", nil:
            // Some servers say `stop` even after tool calls; the calls decide.
            .success(refused ? .contentFilter : callOrder.isEmpty ? .endTurn : .toolUse)
        case "tool_calls", "function_call": .success(.toolUse)
        case "length": .success(.maxTokens)
        case "content_filter": .success(.contentFilter)
        case let other?: .failure(LLMError(.unknown, "unrecognised finish_reason '\(other)'"))
        }
    }
}
