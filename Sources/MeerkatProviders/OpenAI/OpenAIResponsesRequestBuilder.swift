import MeerkatCore

/// Maps the canonical transcript onto a stateless Responses request (PROVIDERS.md §3.1, §3.5).
///
/// - Leading system rows become `instructions`; later system rows are `developer` messages in place.
/// - Assistant rows become `message` (text), `reasoning` (only with OpenAI meta carrying `encrypted_content`) and
///   `function_call` items in block order; tool results become `function_call_output` items keyed by `call_id`.
///
/// On the wire, the body is written as bytes with each transcript row's items a fragment that a client keeps between
/// requests (`EncodedMessages`), so a long conversation is not re-encoded on every call; the other fields (a few,
/// whatever the history) are encoded from their tree. Provider parameters are merged into those fields, or, when
/// they touch `input` or are not an object, on the whole parsed body.
enum OpenAIResponsesRequestBuilder {
    /// The request body as a `JSONValue` (what `bodyBytes` writes; for inspection and tests).
    static func body(for request: LLMRequest) throws(LLMError) -> JSONValue {
        let (system, rest) = WireContent.splitLeadingSystem(request.messages)
        var body = fields(for: request, system: system)
        body["input"] = .array(try rest.flatMapTyped(rowItems))
        let built = JSONValue.object(body)
        return request.providerParams.map { built.merging($0) } ?? built
    }

    /// The request body as JSON bytes (the bytes sent on the wire).
    /// - Parameter cache: the encoded rows of this conversation's previous request.
    static func bodyBytes(for request: LLMRequest, cache: EncodedMessages<[UInt8]>) throws(LLMError) -> [UInt8] {
        let (system, rest) = WireContent.splitLeadingSystem(request.messages)
        var fields = fields(for: request, system: system)
        if let params = request.providerParams {
            guard case .object(let overlay) = params, overlay["input"] == nil,
                case .object(let merged) = JSONValue.object(fields).merging(params)
            else { return try body(for: request).encodedJSONBytes() }
            fields = merged
        }
        var out = JSONBytesWriter(capacity: 512 + request.messages.count * 128)
        out.beginObject()
        for key in (Array(fields.keys) + ["input"]).sorted() {
            out.key(key)
            guard key == "input" else {
                out.value(fields[key] ?? .null)
                continue
            }
            out.beginArray()
            try cache.withFragments(of: rest, encoding: rowFragment) { (rows) throws(LLMError) in
                for row in rows { out.encodedElements(row[...]) }
            }
            out.endArray()
        }
        out.endObject()
        return out.bytes
    }

    /// A row's items as comma-separated JSON (empty when the row sends nothing).
    private static func rowFragment(_ row: Message) throws(LLMError) -> [UInt8] {
        var out = JSONBytesWriter(capacity: 128)
        for item in try rowItems(row) { out.value(item) }
        return out.bytes
    }

    /// Every field but `input`.
    private static func fields(for request: LLMRequest, system: [String]) -> [String: JSONValue] {
        var body: [String: JSONValue] = [
            "model": .string(request.model),
            "stream": true,
            "store": false,
            "include": ["reasoning.encrypted_content"],
            "max_output_tokens": .number(Double(request.maxTokens)),
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
        return body
    }

    /// The input items of one transcript row.
    private static func rowItems(_ row: Message) throws(LLMError) -> [JSONValue] {
        switch row {
        case .system(let content, _):
            return [["role": "developer", "content": [inputText(content)]]]
        case .systemNotice(_, let blocks, _):
            return [["role": "user", "content": .array(try blocks.mapTyped(inputPart))]]
        case .user(let content, _, _):
            guard !content.isEmpty else { return [] }
            return [["role": "user", "content": .array(try content.mapTyped(inputPart))]]
        case .assistant(let blocks, _, _):
            return assistantItems(blocks)
        case .toolResults(let results, _):
            return try results.mapTyped(functionCallOutput)
        }
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
