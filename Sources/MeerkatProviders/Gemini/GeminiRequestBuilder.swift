import MeerkatCore

/// Maps the canonical transcript onto a `GenerateContentRequest` (PROVIDERS.md §4.2, §4.5).
///
/// - Leading system rows become `systemInstruction`; later ones are user text in place (Gemini has no positional
///   system role).
/// - Roles are `user`/`model`; consecutive rows of one role merge into one content.
/// - Gemini continuity meta (`thought_signature`, server call `id`) is echoed on the same part it came from.
/// - Tool results are `functionResponse` parts named after their call (looked up by id in the transcript), with
///   `{"result": ...}` or `{"error": ...}` as the response object.
/// - Tool and output schemas go through `GeminiSchema` (Google's OpenAPI subset).
enum GeminiRequestBuilder {
    static func body(for request: LLMRequest) throws(LLMError) -> JSONValue {
        let (system, rest) = WireContent.splitLeadingSystem(request.messages)
        var body: [String: JSONValue] = ["contents": .array(try contents(rest))]
        if !system.isEmpty {
            body["systemInstruction"] = ["parts": .array(system.map { ["text": .string($0)] })]
        }
        if !request.tools.isEmpty {
            body["tools"] = [
                [
                    "functionDeclarations": .array(
                        request.tools.map {
                            [
                                "name": .string($0.name), "description": .string($0.description),
                                "parameters": GeminiSchema.convert($0.inputSchema),
                            ]
                        })
                ]
            ]
        }
        var generation: [String: JSONValue] = ["maxOutputTokens": .number(Double(request.maxTokens))]
        if let temperature = request.temperature { generation["temperature"] = .number(temperature) }
        if let stops = request.stopSequences, !stops.isEmpty {
            generation["stopSequences"] = .array(stops.map(JSONValue.string))
        }
        if let format = request.outputFormat {
            generation["responseMimeType"] = "application/json"
            generation["responseSchema"] = GeminiSchema.convert(format.schema)
        }
        body["generationConfig"] = .object(generation)
        let built = JSONValue.object(body)
        return request.providerParams.map { built.merging($0) } ?? built
    }

    private static func contents(_ rows: ArraySlice<Message>) throws(LLMError) -> [JSONValue] {
        let callsByID = WireContent.toolCallsByID(rows)
        var turns: [(role: String, parts: [JSONValue])] = []
        func append(_ role: String, _ parts: [JSONValue]) {
            guard !parts.isEmpty else { return }
            if turns.last?.role == role {
                turns[turns.count - 1].parts += parts
            } else {
                turns.append((role, parts))
            }
        }
        for row in rows {
            switch row {
            case .system(let content, _):
                append("user", [["text": .string(WireContent.midTranscriptSystemText(content))]])
            case .systemNotice(_, let blocks, _):
                append("user", try blocks.compactMapTyped(part))
            case .user(let content, _, _):
                append("user", try content.compactMapTyped(part))
            case .assistant(let blocks, _, _):
                append("model", blocks.compactMap(modelPart))
            case .toolResults(let results, _):
                append(
                    "user",
                    try results.mapTyped { result throws(LLMError) in
                        try functionResponse(result, call: callsByID[result.toolUseID])
                    })
            }
        }
        return turns.map { ["role": .string($0.role), "parts": .array($0.parts)] }
    }

    private static func part(_ block: ContentBlock) throws(LLMError) -> JSONValue? {
        switch block {
        case .text(let text):
            return text.isEmpty ? nil : ["text": .string(text)]
        case .image(let mediaType, let source):
            return [
                "inlineData": [
                    "mimeType": .string(mediaType), "data": .string(try WireContent.inlineImageData(source)),
                ]
            ]
        case .structured(let value):
            return ["text": .string(value.compactText())]
        }
    }

    private static func modelPart(_ block: AssistantBlock) -> JSONValue? {
        switch block {
        case .text(let text, let meta):
            let signature = signature(meta)
            guard !text.isEmpty || signature != nil else { return nil }
            var part: [String: JSONValue] = ["text": .string(text)]
            if let signature { part["thoughtSignature"] = .string(signature) }
            return .object(part)
        case .reasoning(let text, let meta):
            // Thought summaries need not be replayed; only a signed one carries continuity.
            guard let signature = signature(meta) else { return nil }
            return ["text": .string(text), "thought": true, "thoughtSignature": .string(signature)]
        case .toolUse(let call):
            var functionCall: [String: JSONValue] = [
                "name": .string(call.name), "args": call.args.objectValue != nil ? call.args : .object([:]),
            ]
            if let serverID = geminiMeta(call.meta)?["id"]?.stringValue { functionCall["id"] = .string(serverID) }
            var part: [String: JSONValue] = ["functionCall": .object(functionCall)]
            if let signature = signature(call.meta) { part["thoughtSignature"] = .string(signature) }
            return .object(part)
        }
    }

    private static func functionResponse(_ result: ToolResult, call: ToolCall?) throws(LLMError) -> JSONValue {
        guard let call else {
            throw LLMError(
                .invalidInputShape, "tool result \(result.toolUseID) answers no tool call in the transcript")
        }
        let value: JSONValue =
            if result.content.count == 1, case .structured(let structured) = result.content[0] {
                structured
            } else {
                .string(result.text)
            }
        var response: [String: JSONValue] = [
            "name": .string(call.name), "response": [result.isError ? "error" : "result": value],
        ]
        if let serverID = geminiMeta(call.meta)?["id"]?.stringValue { response["id"] = .string(serverID) }
        return ["functionResponse": .object(response)]
    }

    private static func geminiMeta(_ meta: ProviderMeta?) -> JSONValue? {
        guard let meta, meta.provider == ProviderKind.gemini.rawValue else { return nil }
        return meta.data
    }

    private static func signature(_ meta: ProviderMeta?) -> String? {
        geminiMeta(meta)?["thought_signature"]?.stringValue
    }
}
