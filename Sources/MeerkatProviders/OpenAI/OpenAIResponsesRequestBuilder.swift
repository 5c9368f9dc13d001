import MeerkatCore

/// Maps the canonical transcript onto a stateless Responses request (PROVIDERS.md §3.1, §3.5).
///
/// - Leading system rows become `instructions`; later system rows are `developer` messages in place.
/// - Assistant rows become `message` (text), `reasoning` (only with OpenAI meta carrying `encrypted_content`) and
///   `function_call` items in block order; tool results become `function_call_output` items keyed by `call_id`.
enum OpenAIResponsesRequestBuilder {
    static func body(for request: LLMRequest) throws(LLMError) -> JSONValue {
        let (system, rest) = WireContent.splitLeadingSystem(request.messages)
        var body: [String: JSONValue] = [
            "model": .string(request.model),
            "stream": true,
            "store": false,
            "include": ["reasoning.encrypted_content"],
            "max_output_tokens": .number(Double(request.maxTokens)),
            "input": .array(try input(rest)),
        ]
        if !system.isEmpty { body["instructions"] = .string(system.joined(separator: "\n\n")) }
        if !request.tools.isEmpty {
            body["tools"] = .array(
                request.tools.map {
                    [
                        "type": "function", "name": .string($0.name), "description": .string($0.description),
                        "parameters": $0.inputSchema, "strict": false,
                    ]
                })
        }
        if let temperature = request.temperature { body["temperature"] = .number(temperature) }
        if let format = request.outputFormat {
            body["text"] = [
                "format": [
                    "type": "json_schema", "name": .string(format.name), "schema": format.schema,
                    "strict": .bool(format.strict),
                ]
            ]
        }
        let built = JSONValue.object(body)
        return request.providerParams.map { built.merging($0) } ?? built
    }

    private static func input(_ rows: ArraySlice<Message>) throws(LLMError) -> [JSONValue] {
        var items: [JSONValue] = []
        for row in rows {
            switch row {
            case .system(let content, _):
                items.append(["role": "developer", "content": [inputText(content)]])
            case .systemNotice(_, let blocks, _):
                items.append(["role": "user", "content": .array(try blocks.mapTyped(inputPart))])
            case .user(let content, _, _):
                guard !content.isEmpty else { continue }
                items.append(["role": "user", "content": .array(try content.mapTyped(inputPart))])
            case .assistant(let blocks, _, _):
                items += assistantItems(blocks)
            case .toolResults(let results, _):
                items += try results.mapTyped(functionCallOutput)
            }
        }
        return items
    }

    private static func inputText(_ text: String) -> JSONValue { ["type": "input_text", "text": .string(text)] }

    private static func inputPart(_ block: ContentBlock) throws(LLMError) -> JSONValue {
        switch block {
        case .text(let text): inputText(text)
        case .image(let mediaType, let source):
            [
                "type": "input_image",
                "image_url": .string(try WireContent.dataURL(mediaType: mediaType, source: source)),
            ]
        case .structured(let value): inputText(value.compactText())
        }
    }

    private static func assistantItems(_ blocks: [AssistantBlock]) -> [JSONValue] {
        var items: [JSONValue] = []
        var texts: [JSONValue] = []
        func flushText() {
            guard !texts.isEmpty else { return }
            items.append(["role": "assistant", "content": .array(texts)])
            texts = []
        }
        for block in blocks {
            switch block {
            case .text(let text, _):
                if !text.isEmpty { texts.append(["type": "output_text", "text": .string(text)]) }
            case .reasoning(let text, let meta):
                guard let meta, meta.provider == ProviderKind.openai.rawValue,
                    let encrypted = meta.data["encrypted_content"]?.stringValue
                else { continue }
                flushText()
                var item: [String: JSONValue] = [
                    "type": "reasoning", "encrypted_content": .string(encrypted),
                    "summary": text.isEmpty ? [] : [["type": "summary_text", "text": .string(text)]],
                ]
                if let id = meta.data["id"]?.stringValue { item["id"] = .string(id) }
                items.append(.object(item))
            case .toolUse(let call):
                flushText()
                items.append([
                    "type": "function_call", "call_id": .string(call.id), "name": .string(call.name),
                    "arguments": .string(call.args.compactText()),
                ])
            }
        }
        flushText()
        return items
    }

    private static func functionCallOutput(_ result: ToolResult) throws(LLMError) -> JSONValue {
        let output: JSONValue
        if result.content.allSatisfy({ if case .image = $0 { false } else { true } }) {
            output = .string(WireContent.toolResultText(result))
        } else {
            var parts = try result.content.mapTyped(inputPart)
            if result.isError { parts.insert(inputText("error:"), at: 0) }
            output = .array(parts)
        }
        return ["type": "function_call_output", "call_id": .string(result.toolUseID), "output": output]
    }
}
