import Foundation
import MeerkatCore

/// Decodes the Responses event stream into `LLMEvent`s (PROVIDERS.md §3.2–§3.6).
///
/// Argument deltas reference the output item (`fc_…`); events carry the `call_id` (`call_…`) instead, because
/// that is what the tool result must quote.
struct OpenAIResponsesStreamDecoder: StreamDecoder {
    /// One decoder per stream (creating one per event is measurable on the hot path).
    private let json = JSONDecoder()
    private struct Call {
        var callID: String
        var name: String
        var arguments: String
    }

    private var calls: [String: Call] = [:]
    private var reasoning: [String: String] = [:]
    private var sawFunctionCall = false
    private var refused = false

    mutating func decode(_ event: SSEEvent, atEOF: Bool) -> [LLMEvent] {
        if event.data == "[DONE]" { return [] }  // Some compatible servers add it; the terminal event decides.
        let wire: OpenAIResponsesWireEvent
        do {
            wire = try json.decode(OpenAIResponsesWireEvent.self, from: Data(event.data.utf8))
        } catch {
            return [StreamFailures.unparsable(event, atEOF: atEOF, "not a JSON event")]
        }
        switch wire.type ?? event.type {
        case "response.output_item.added":
            return itemAdded(wire.item)
        case "response.output_text.delta":
            return wire.delta.map { $0.isEmpty ? [] : [.textDelta($0)] } ?? []
        case "response.refusal.delta":
            refused = true
            return wire.delta.map { $0.isEmpty ? [] : [.textDelta($0)] } ?? []
        case "response.function_call_arguments.delta":
            guard let itemID = wire.itemID, var call = calls[itemID] else {
                return [.done(.failure(StreamFailures.malformed(event, "arguments for an unknown function call item")))]
            }
            let fragment = wire.delta ?? ""
            call.arguments += fragment
            calls[itemID] = call
            return fragment.isEmpty ? [] : [.toolCallDelta(id: call.callID, name: nil, argsDelta: fragment)]
        case "response.reasoning_summary_text.delta":
            guard let itemID = wire.itemID, let fragment = wire.delta, !fragment.isEmpty else { return [] }
            reasoning[itemID, default: ""] += fragment
            return [.reasoningDelta(fragment)]
        case "response.output_item.done":
            return itemDone(wire.item, event)
        case "response.completed", "response.incomplete":
            return [usageEvent(wire.response?.usage), .done(outcome(wire.response))].compactMap { $0 }
        case "response.failed", "error":
            return [.done(.failure(failure(event)))]
        default:
            return []
        }
    }

    mutating func finishAtEOF() -> [LLMEvent] {
        [.done(.failure(StreamFailures.truncated("no response.completed")))]
    }

    private mutating func itemAdded(_ item: OpenAIResponsesWireEvent.Item?) -> [LLMEvent] {
        guard let item, let id = item.id else { return [] }
        switch item.type {
        case "function_call":
            let call = Call(callID: item.callID ?? id, name: item.name ?? "", arguments: item.arguments ?? "")
            calls[id] = call
            sawFunctionCall = true
            return [.toolCallDelta(id: call.callID, name: call.name, argsDelta: call.arguments)]
        case "reasoning":
            reasoning[id] = ""
            return []
        default:
            return []
        }
    }

    private mutating func itemDone(_ item: OpenAIResponsesWireEvent.Item?, _ event: SSEEvent) -> [LLMEvent] {
        guard let item else { return [] }
        switch item.type {
        case "function_call":
            let known = item.id.flatMap { calls[$0] }
            guard let callID = item.callID ?? known?.callID, let name = item.name ?? known?.name else {
                return [.done(.failure(StreamFailures.malformed(event, "function_call without call_id or name")))]
            }
            sawFunctionCall = true
            let arguments = item.arguments ?? known?.arguments ?? ""
            return [.toolCallComplete(id: callID, name: name, args: arguments.isEmpty ? "{}" : arguments, meta: nil)]
        case "reasoning":
            let summaries = (item.summary ?? []).compactMap(\.text)
            let text =
                summaries.isEmpty ? (item.id.flatMap { reasoning[$0] } ?? "") : summaries.joined(separator: "\n\n")
            var data: [String: JSONValue] = [:]
            if let id = item.id { data["id"] = .string(id) }
            if let encrypted = item.encryptedContent { data["encrypted_content"] = .string(encrypted) }
            let meta = data.isEmpty ? nil : ProviderMeta(provider: ProviderKind.openai.rawValue, data: .object(data))
            return [.reasoningComplete(text: text, meta: meta)]
        default:
            return []
        }
    }

    private func usageEvent(_ wire: OpenAIResponsesWireEvent.Usage?) -> LLMEvent? {
        guard let wire else { return nil }
        let cached = wire.inputTokensDetails?.cachedTokens
        return .usage(
            Usage(
                inputTokens: max(0, (wire.inputTokens ?? 0) - (cached ?? 0)), outputTokens: wire.outputTokens ?? 0,
                cacheReadTokens: cached))
    }

    private func outcome(_ response: OpenAIResponsesWireEvent.Response?) -> LLMStreamOutcome {
        switch response?.status {
        case "completed", nil:
            return .success(refused ? .contentFilter : sawFunctionCall ? .toolUse : .endTurn)
        case "incomplete":
            switch response?.incompleteDetails?.reason {
            case "max_output_tokens": return .success(.maxTokens)
            case "content_filter": return .success(.contentFilter)
            case let reason: return .failure(LLMError(.unknown, "response incomplete: \(reason ?? "no reason given")"))
            }
        case let status?:
            return .failure(LLMError(.unknown, "terminal event with status '\(status)'"))
        }
    }

    private func failure(_ event: SSEEvent) -> LLMError {
        let json = (try? JSONValue.parse(event.data)) ?? .null
        if let error = json["response"]?["error"], error != .null,
            let classified = ProviderErrorClassifier.classifyInBand(["error": error])
        {
            return classified
        }
        return ProviderErrorClassifier.classifyInBand(json)
            ?? LLMError(.serverError, "response failed: \(event.data.prefix(200))")
    }
}
