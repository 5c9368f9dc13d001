import MeerkatCore

/// Maps the canonical transcript onto a Chat Completions request (PROVIDERS.md §2.2, §2.6).
///
/// System rows keep their position as `system` messages (legal anywhere on this wire); notices are user text;
/// reasoning is not replayed (the wire has no slot for it); each tool result is one `tool` message.
///
/// The body is written straight to bytes (`JSONBytesWriter`, keys in sorted order): a long conversation is sent on
/// every call, and building a `JSONValue` tree of it first (a dictionary and a key sort per message) was most of
/// the per-turn cost that grew with the history. Provider parameters, which may override any field, are merged
/// on the parsed body instead.
enum ChatCompletionsRequestBuilder {
    /// The request body as JSON bytes (the bytes sent on the wire).
    /// - Parameter cache: the encoded messages of this conversation's previous request, reused for the messages
    ///   this request shares with it.
    static func bodyBytes(
        for request: LLMRequest, maxTokensField: ChatCompletionsClient.MaxTokensField,
        structuredOutput: SelfHostedModel.StructuredOutputMode = .jsonSchema, cache: EncodedMessages<[UInt8]>? = nil
    ) throws(LLMError) -> [UInt8] {
        var out = JSONBytesWriter(capacity: 512 + request.messages.count * 128)
        out.beginObject()
        // Keys in ascending order: max_completion_tokens | max_tokens, messages, model, response_format, stop,
        // stream, stream_options, temperature, tools.
        out.key(maxTokensField.rawValue)
        out.number(Double(request.maxTokens))
        out.key("messages")
        out.beginArray()
        if let cache {
            try cache.withFragments(of: request.messages[...], encoding: fragment) { (rows) throws(LLMError) in
                for row in rows { out.encodedElements(row[...]) }
            }
        } else {
            for row in request.messages { try writeMessage(row, to: &out) }
        }
        out.endArray()
        out.field("model", request.model)
        if let format = request.outputFormat {
            switch structuredOutput {
            case .jsonSchema:
                out.key("response_format")
                out.beginObject()
                out.key("json_schema")
                out.beginObject()
                out.field("name", format.name)
                out.key("schema")
                out.value(format.schema)
                out.key("strict")
                out.bool(format.strict)
                out.endObject()
                out.field("type", "json_schema")
                out.endObject()
            case .jsonObject:
                out.key("response_format")
                out.beginObject()
                out.field("type", "json_object")
                out.endObject()
            case .promptOnly:
                break
            }
        }
        if let stops = request.stopSequences, !stops.isEmpty {
            out.key("stop")
            out.beginArray()
            for stop in stops { out.string(stop) }
            out.endArray()
        }
        out.key("stream")
        out.bool(true)
        out.key("stream_options")
        out.beginObject()
        out.key("include_usage")
        out.bool(true)
        out.endObject()
        if let temperature = request.temperature {
            out.key("temperature")
            out.number(temperature)
        }
        if !request.tools.isEmpty {
            out.key("tools")
            out.beginArray()
            for tool in request.tools {
                out.beginObject()
                out.key("function")
                out.beginObject()
                out.field("description", tool.description)
                out.field("name", tool.name)
                out.key("parameters")
                out.value(tool.inputSchema)
                out.endObject()
                out.field("type", "function")
                out.endObject()
            }
            out.endArray()
        }
        out.endObject()
        return try WireContent.merging(request.providerParams, into: out.bytes)
    }

    /// The request body as a `JSONValue` (the parsed wire bytes; for inspection and tests).
    static func body(
        for request: LLMRequest, maxTokensField: ChatCompletionsClient.MaxTokensField,
        structuredOutput: SelfHostedModel.StructuredOutputMode = .jsonSchema
    ) throws(LLMError) -> JSONValue {
        try WireContent.parseBody(
            bodyBytes(for: request, maxTokensField: maxTokensField, structuredOutput: structuredOutput))
    }

    /// A row's wire messages as comma-separated JSON (empty when the row sends nothing).
    private static func fragment(_ row: Message) throws(LLMError) -> [UInt8] {
        var out = JSONBytesWriter(capacity: 128)
        try writeMessage(row, to: &out)
        return out.bytes
    }

    /// Writes the wire messages of one transcript row (none, one, or one per tool result) as array elements.
    static func writeMessage(_ row: Message, to out: inout JSONBytesWriter) throws(LLMError) {
        switch row {
        case .system(let content, _):
            out.beginObject()
            out.field("content", content)
            out.field("role", "system")
            out.endObject()
        case .systemNotice(_, let blocks, _):
            try writeUserMessage(blocks, to: &out)
        case .user(let blocks, _, _):
            guard !blocks.isEmpty else { return }
            try writeUserMessage(blocks, to: &out)
        case .assistant(let blocks, _, _):
            let text = blocks.compactMap { if case .text(let text, _) = $0 { text } else { nil } }.joined()
            let calls = row.toolCalls
            guard !text.isEmpty || !calls.isEmpty else { return }
            out.beginObject()
            out.key("content")
            if text.isEmpty { out.null() } else { out.string(text) }
            out.field("role", "assistant")
            if !calls.isEmpty {
                out.key("tool_calls")
                out.beginArray()
                for call in calls {
                    out.beginObject()
                    out.key("function")
                    out.beginObject()
                    out.field("arguments", call.args.compactText())
                    out.field("name", call.name)
                    out.endObject()
                    out.field("id", call.id)
                    out.field("type", "function")
                    out.endObject()
                }
                out.endArray()
            }
            out.endObject()
        case .toolResults(let results, _):
            for result in results {
                out.beginObject()
                out.field("content", WireContent.toolResultText(result))
                out.field("role", "tool")
                out.field("tool_call_id", result.toolUseID)
                out.endObject()
            }
        }
    }

    private static func writeUserMessage(_ blocks: [ContentBlock], to out: inout JSONBytesWriter) throws(LLMError) {
        out.beginObject()
        out.key("content")
        try writeContent(blocks, to: &out)
        out.field("role", "user")
        out.endObject()
    }

    /// A plain string for a single text block, else typed parts.
    private static func writeContent(_ blocks: [ContentBlock], to out: inout JSONBytesWriter) throws(LLMError) {
        if blocks.count == 1, case .text(let text) = blocks[0] {
            out.string(text)
            return
        }
        out.beginArray()
        for block in blocks {
            out.beginObject()
            switch block {
            case .text(let text):
                out.field("text", text)
                out.field("type", "text")
            case .structured(let value):
                out.field("text", value.compactText())
                out.field("type", "text")
            case .image(let mediaType, let source):
                out.key("image_url")
                out.beginObject()
                out.field("url", try WireContent.dataURL(mediaType: mediaType, source: source))
                out.endObject()
                out.field("type", "image_url")
            }
            out.endObject()
        }
        out.endArray()
    }
}
