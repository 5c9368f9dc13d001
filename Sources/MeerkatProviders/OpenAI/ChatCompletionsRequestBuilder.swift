import MeerkatCore

/// Maps the canonical transcript onto a Chat Completions request (PROVIDERS.md §2.2, §2.6).
///
/// System rows keep their position as `system` messages (legal anywhere on this wire); notices are user text;
/// reasoning is not replayed (the wire has no slot for it); each tool result is one `tool` message.
enum ChatCompletionsRequestBuilder {
    static func body(
        for request: LLMRequest, maxTokensField: String,
        structuredOutput: SelfHostedModel.StructuredOutputMode = .jsonSchema
    ) throws(LLMError) -> JSONValue {
        var body: [String: JSONValue] = [
            "model": .string(request.model),
            "stream": true,
            "stream_options": ["include_usage": true],
            maxTokensField: .number(Double(request.maxTokens)),
            "messages": .array(try messages(request.messages)),
        ]
        if !request.tools.isEmpty {
            body["tools"] = .array(
                request.tools.map {
                    [
                        "type": "function",
                        "function": [
                            "name": .string($0.name), "description": .string($0.description),
                            "parameters": $0.inputSchema,
                        ],
                    ]
                })
        }
        if let temperature = request.temperature { body["temperature"] = .number(temperature) }
        if let stops = request.stopSequences, !stops.isEmpty { body["stop"] = .array(stops.map(JSONValue.string)) }
        if let format = request.outputFormat {
            switch structuredOutput {
            case .jsonSchema:
                body["response_format"] = [
                    "type": "json_schema",
                    "json_schema": [
                        "name": .string(format.name), "schema": format.schema, "strict": .bool(format.strict),
                    ],
                ]
            case .jsonObject:
                body["response_format"] = ["type": "json_object"]
            case .promptOnly:
                break
            }
        }
        let built = JSONValue.object(body)
        return request.providerParams.map { built.merging($0) } ?? built
    }

    private static func messages(_ rows: [Message]) throws(LLMError) -> [JSONValue] {
        var messages: [JSONValue] = []
        for row in rows {
            switch row {
            case .system(let content, _):
                messages.append(["role": "system", "content": .string(content)])
            case .systemNotice(_, let blocks, _):
                messages.append(["role": "user", "content": try content(blocks)])
            case .user(let blocks, _, _):
                guard !blocks.isEmpty else { continue }
                messages.append(["role": "user", "content": try content(blocks)])
            case .assistant(let blocks, _, _):
                let text = blocks.compactMap { if case .text(let text, _) = $0 { text } else { nil } }.joined()
                let calls = row.toolCalls
                guard !text.isEmpty || !calls.isEmpty else { continue }
                var message: [String: JSONValue] = ["role": "assistant", "content": text.isEmpty ? nil : .string(text)]
                if !calls.isEmpty {
                    message["tool_calls"] = .array(
                        calls.map {
                            [
                                "id": .string($0.id), "type": "function",
                                "function": ["name": .string($0.name), "arguments": .string($0.args.compactText())],
                            ]
                        })
                }
                messages.append(.object(message))
            case .toolResults(let results, _):
                for result in results {
                    messages.append([
                        "role": "tool", "tool_call_id": .string(result.toolUseID),
                        "content": .string(WireContent.toolResultText(result)),
                    ])
                }
            }
        }
        return messages
    }

    /// A plain string for a single text block, else typed parts.
    private static func content(_ blocks: [ContentBlock]) throws(LLMError) -> JSONValue {
        if blocks.count == 1, case .text(let text) = blocks[0] { return .string(text) }
        return .array(
            try blocks.mapTyped { block throws(LLMError) -> JSONValue in
                switch block {
                case .text(let text): return ["type": "text", "text": .string(text)]
                case .structured(let value): return ["type": "text", "text": .string(value.compactText())]
                case .image(let mediaType, let source):
                    let url = try WireContent.dataURL(mediaType: mediaType, source: source)
                    return ["type": "image_url", "image_url": ["url": .string(url)]]
                }
            })
    }
}
