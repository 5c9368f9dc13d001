import MeerkatCore

/// Maps the canonical transcript onto a Messages API request body (PROVIDERS.md §1.2, §1.6).
///
/// - Leading system rows become the top-level `system` blocks; a system row later in the transcript is rendered
///   as user-side text in place (`WireContent.midTranscriptSystemText`) so it keeps its position.
/// - System notices are user-side text; tool results are `tool_result` blocks placed first in the next user
///   message; consecutive rows of the same side are merged, since the API expects alternating roles.
/// - Thinking is replayed only with Anthropic meta (`signature` or `redacted_data`); other reasoning is dropped.
enum AnthropicRequestBuilder {
    static func body(for request: LLMRequest) throws(LLMError) -> JSONValue {
        let (system, rest) = WireContent.splitLeadingSystem(request.messages)
        var body: [String: JSONValue] = [
            "model": .string(request.model),
            "max_tokens": .number(Double(request.maxTokens)),
            "stream": true,
            "messages": .array(try messages(rest)),
        ]
        if !system.isEmpty {
            body["system"] = .array(system.map { ["type": "text", "text": .string($0)] })
        }
        if !request.tools.isEmpty {
            body["tools"] = .array(
                request.tools.map {
                    ["name": .string($0.name), "description": .string($0.description), "input_schema": $0.inputSchema]
                })
        }
        if let temperature = request.temperature { body["temperature"] = .number(temperature) }
        if let stops = request.stopSequences, !stops.isEmpty {
            body["stop_sequences"] = .array(stops.map(JSONValue.string))
        }
        if let format = request.outputFormat {
            body["output_config"] = ["format": ["type": "json_schema", "schema": format.schema]]
        }
        let built = JSONValue.object(body)
        return request.providerParams.map { built.merging($0) } ?? built
    }

    private enum Side { case user, assistant }

    private static func messages(_ rows: ArraySlice<Message>) throws(LLMError) -> [JSONValue] {
        var turns: [(side: Side, blocks: [JSONValue])] = []
        func append(_ side: Side, _ blocks: [JSONValue]) {
            guard !blocks.isEmpty else { return }
            if let last = turns.last, last.side == side {
                turns[turns.count - 1].blocks += blocks
            } else {
                turns.append((side, blocks))
            }
        }
        for row in rows {
            switch row {
            case .system(let content, _):
                append(.user, [text(WireContent.midTranscriptSystemText(content))])
            case .systemNotice(_, let blocks, _):
                append(.user, try blocks.compactMapTyped(contentBlock))
            case .user(let content, _, _):
                append(.user, try content.compactMapTyped(contentBlock))
            case .assistant(let blocks, _, _):
                append(.assistant, blocks.compactMap(assistantBlock))
            case .toolResults(let results, _):
                append(.user, try results.mapTyped(toolResult))
            }
        }
        return turns.map { turn in
            var blocks = turn.blocks
            if turn.side == .user {
                // The API wants tool results first in the user message that answers the calls.
                let results = blocks.filter(isToolResult)
                blocks = results + blocks.filter { !isToolResult($0) }
            }
            return ["role": turn.side == .user ? "user" : "assistant", "content": .array(blocks)]
        }
    }

    private static func isToolResult(_ block: JSONValue) -> Bool { block["type"] == "tool_result" }

    private static func text(_ text: String) -> JSONValue { ["type": "text", "text": .string(text)] }

    private static func contentBlock(_ block: ContentBlock) throws(LLMError) -> JSONValue? {
        switch block {
        case .text(let value):
            return value.isEmpty ? nil : text(value)
        case .image(let mediaType, let source):
            return [
                "type": "image",
                "source": [
                    "type": "base64", "media_type": .string(mediaType),
                    "data": .string(try WireContent.inlineImageData(source)),
                ],
            ]
        case .structured(let value):
            return text(value.compactText())
        }
    }

    private static func assistantBlock(_ block: AssistantBlock) -> JSONValue? {
        switch block {
        case .text(let value, _):
            return value.isEmpty ? nil : text(value)
        case .reasoning(let value, let meta):
            guard let meta, meta.provider == ProviderKind.anthropic.rawValue else { return nil }
            if let redacted = meta.data["redacted_data"]?.stringValue {
                return ["type": "redacted_thinking", "data": .string(redacted)]
            }
            guard let signature = meta.data["signature"]?.stringValue else { return nil }
            return ["type": "thinking", "thinking": .string(value), "signature": .string(signature)]
        case .toolUse(let call):
            let input: JSONValue = if case .object = call.args { call.args } else { .object([:]) }
            return ["type": "tool_use", "id": .string(call.id), "name": .string(call.name), "input": input]
        }
    }

    private static func toolResult(_ result: ToolResult) throws(LLMError) -> JSONValue {
        var block: [String: JSONValue] = ["type": "tool_result", "tool_use_id": .string(result.toolUseID)]
        if result.content.count == 1, case .text(let value) = result.content[0] {
            block["content"] = .string(value)
        } else if !result.content.isEmpty {
            block["content"] = .array(try result.content.compactMapTyped(contentBlock))
        }
        if result.isError { block["is_error"] = true }
        return .object(block)
    }
}
