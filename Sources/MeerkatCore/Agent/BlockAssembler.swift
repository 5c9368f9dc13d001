import Foundation

/// Builds the ordered blocks of one assistant message from interleaved stream events: text, reasoning and tool
/// calls keep their global arrival order; tool arguments are buffered by call id until complete.
struct BlockAssembler: Sendable {
    private enum Slot: Sendable {
        case text(String, ProviderMeta?)
        case reasoning(String, ProviderMeta?, complete: Bool)
        case tool(id: String)
    }

    private struct PendingCall: Sendable {
        var name: String?
        var args: String = ""
        var complete: ToolCall?
    }

    private var slots: [Slot] = []
    private var calls: [String: PendingCall] = [:]
    private(set) var usage: Usage?
    private(set) var sawVisibleOutput = false

    mutating func accept(_ event: LLMEvent) {
        switch event {
        case .textDelta(let delta, let meta):
            sawVisibleOutput = true
            if case .text(let text, let oldMeta) = slots.last {
                slots[slots.count - 1] = .text(text + delta, meta ?? oldMeta)
            } else {
                slots.append(.text(delta, meta))
            }
        case .reasoningDelta(let delta):
            sawVisibleOutput = true
            if case .reasoning(let text, let meta, false) = slots.last {
                slots[slots.count - 1] = .reasoning(text + delta, meta, complete: false)
            } else {
                slots.append(.reasoning(delta, nil, complete: false))
            }
        case .reasoningComplete(let text, let meta):
            sawVisibleOutput = true
            if case .reasoning(_, _, false) = slots.last {
                slots[slots.count - 1] = .reasoning(text, meta, complete: true)
            } else {
                slots.append(.reasoning(text, meta, complete: true))
            }
        case .toolCallDelta(let id, let name, let argsDelta):
            if calls[id] == nil {
                calls[id] = PendingCall()
                slots.append(.tool(id: id))
            }
            if let name { calls[id]?.name = name }
            calls[id]?.args += argsDelta
        case .toolCallComplete(let id, let name, let args, let meta):
            if calls[id] == nil {
                calls[id] = PendingCall()
                slots.append(.tool(id: id))
            }
            calls[id]?.complete = Self.makeCall(id: id, name: name, raw: args, meta: meta)
        case .usage(let usage):
            self.usage = usage
        case .liveness, .done:
            break
        }
    }

    /// The assembled blocks; calls that never completed are finished from their buffered fragments.
    func blocks() -> [AssistantBlock] {
        slots.compactMap { slot -> AssistantBlock? in
            switch slot {
            case .text(let text, let meta): return text.isEmpty && meta == nil ? nil : .text(text: text, meta: meta)
            case .reasoning(let text, let meta, _): return .reasoning(text: text, meta: meta)
            case .tool(let id):
                guard let pending = calls[id] else { return nil }
                if let complete = pending.complete { return .toolUse(complete) }
                return .toolUse(Self.makeCall(id: id, name: pending.name ?? "", raw: pending.args, meta: nil))
            }
        }
    }

    static func makeCall(id: String, name: String, raw: String, meta: ProviderMeta?) -> ToolCall {
        let trimmed = String(raw.trimmingWhitespace())
        if trimmed.isEmpty { return ToolCall(id: id, name: name, args: .object([:]), meta: meta) }
        do {
            let value = try JSONValue.parse(trimmed)
            guard case .object = value else {
                return ToolCall(
                    id: id, name: name, args: .object([:]), meta: meta,
                    argumentsError: "arguments must be a JSON object, got \(value.typeName)")
            }
            return ToolCall(id: id, name: name, args: value, meta: meta)
        } catch {
            let preview = trimmed.count > 200 ? String(trimmed.prefix(200)) + "…" : trimmed
            return ToolCall(
                id: id, name: name, args: .object([:]), meta: meta,
                argumentsError: "arguments are not valid JSON (\(error.message)): \(preview)")
        }
    }
}
