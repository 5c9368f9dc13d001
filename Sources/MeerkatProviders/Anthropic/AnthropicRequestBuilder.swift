import MeerkatCore

/// Maps the canonical transcript onto a Messages API request body (PROVIDERS.md §1.2, §1.6).
///
/// - Leading system rows become the top-level `system` blocks; a system row later in the transcript is rendered
///   as user-side text in place (`WireContent.midTranscriptSystemText`) so it keeps its position.
/// - System notices are user-side text; tool results are `tool_result` blocks placed first in the next user
///   message; consecutive rows of the same side are merged, since the API expects alternating roles.
/// - Thinking is replayed only with Anthropic meta (`signature` or `redacted_data`); other reasoning is dropped.
///
/// The body is written straight to bytes (`JSONBytesWriter`, keys in sorted order), each transcript row's blocks as
/// a fragment that a client keeps between requests (`EncodedMessages`), so a long conversation is not re-encoded on
/// every call. Provider parameters, which may override any field, are merged on the parsed body.
enum AnthropicRequestBuilder {
    enum Side: Sendable { case user, assistant }

    /// One transcript row's wire blocks: its side (nil when it sends nothing), its `tool_result` blocks and its
    /// other blocks, each comma-separated JSON.
    struct RowBlocks: Sendable {
        var side: Side?
        var results: [UInt8] = []
        var others: [UInt8] = []
    }

    /// The request body as JSON bytes (the bytes sent on the wire).
    /// - Parameter cache: the encoded rows of this conversation's previous request.
    static func bodyBytes(for request: LLMRequest, cache: EncodedMessages<RowBlocks>? = nil) throws(LLMError)
        -> [UInt8]
    {
        let (system, rest) = WireContent.splitLeadingSystem(request.messages)
        var out = JSONBytesWriter(capacity: 512 + request.messages.count * 128)
        out.beginObject()
        // Keys in ascending order: max_tokens, messages, model, output_config, stop_sequences, stream, system,
        // temperature, tools.
        out.key("max_tokens")
        out.number(Double(request.maxTokens))
        out.key("messages")
        out.beginArray()
        if let cache {
            try cache.withFragments(of: rest, encoding: rowBlocks) { rows in writeTurns(rows, to: &out) }
        } else {
            writeTurns(try rest.mapTyped(rowBlocks)[...], to: &out)
        }
        out.endArray()
        out.field("model", request.model)
        if let format = request.outputFormat {
            out.key("output_config")
            out.beginObject()
            out.key("format")
            out.beginObject()
            out.key("schema")
            out.value(format.schema)
            out.field("type", "json_schema")
            out.endObject()
            out.endObject()
        }
        if let stops = request.stopSequences, !stops.isEmpty {
            out.key("stop_sequences")
            out.beginArray()
            for stop in stops { out.string(stop) }
            out.endArray()
        }
        out.key("stream")
        out.bool(true)
        if !system.isEmpty {
            out.key("system")
            out.beginArray()
            for text in system { writeText(text, to: &out) }
            out.endArray()
        }
        if let temperature = request.temperature {
            out.key("temperature")
            out.number(temperature)
        }
        if !request.tools.isEmpty {
            out.key("tools")
            out.beginArray()
            for tool in request.tools {
                out.beginObject()
                out.field("description", tool.description)
                out.key("input_schema")
                out.value(tool.inputSchema)
                out.field("name", tool.name)
                out.endObject()
            }
            out.endArray()
        }
        out.endObject()
        return try WireContent.merging(request.providerParams, into: out.bytes)
    }

    /// The request body as a `JSONValue` (the parsed wire bytes; for inspection and tests).
    static func body(for request: LLMRequest) throws(LLMError) -> JSONValue {
        try WireContent.parseBody(bodyBytes(for: request))
    }

    /// Merges consecutive rows of the same side into one message; in a user message the tool results come first.
    private static func writeTurns(_ rows: ArraySlice<RowBlocks>, to out: inout JSONBytesWriter) {
        WireContent.writeMergedTurns(
            rows, groups: 2, itemsKey: "content", role: { $0.side.map { $0 == .user ? "user" : "assistant" } },
            items: { row, group in group == 0 ? row.results : row.others }, to: &out)
    }

    /// A transcript row's wire blocks.
    static func rowBlocks(_ row: Message) throws(LLMError) -> RowBlocks {
        var others = JSONBytesWriter(capacity: 128)
        var results = JSONBytesWriter(capacity: 0)
        let side: Side
        switch row {
        case .system(let content, _):
            side = .user
            writeText(WireContent.midTranscriptSystemText(content), to: &others)
        case .systemNotice(_, let blocks, _):
            side = .user
            for block in blocks { try writeContentBlock(block, to: &others) }
        case .user(let content, _, _):
            side = .user
            for block in content { try writeContentBlock(block, to: &others) }
        case .assistant(let blocks, _, _):
            side = .assistant
            for block in blocks { writeAssistantBlock(block, to: &others) }
        case .toolResults(let toolResults, _):
            side = .user
            for result in toolResults { try writeToolResult(result, to: &results) }
        }
        guard !others.bytes.isEmpty || !results.bytes.isEmpty else { return RowBlocks(side: nil) }
        return RowBlocks(side: side, results: results.bytes, others: others.bytes)
    }

    private static func writeText(_ text: String, to out: inout JSONBytesWriter) {
        out.beginObject()
        out.field("text", text)
        out.field("type", "text")
        out.endObject()
    }

    private static func writeContentBlock(_ block: ContentBlock, to out: inout JSONBytesWriter) throws(LLMError) {
        switch block {
        case .text(let value):
            if !value.isEmpty { writeText(value, to: &out) }
        case .image(let mediaType, let source):
            let data = try WireContent.inlineImageData(source)
            out.beginObject()
            out.key("source")
            out.beginObject()
            out.field("data", data)
            out.field("media_type", mediaType)
            out.field("type", "base64")
            out.endObject()
            out.field("type", "image")
            out.endObject()
        case .structured(let value):
            writeText(value.compactText(), to: &out)
        }
    }

    private static func writeAssistantBlock(_ block: AssistantBlock, to out: inout JSONBytesWriter) {
        switch block {
        case .text(let value, _):
            if !value.isEmpty { writeText(value, to: &out) }
        case .reasoning(let value, let meta):
            guard let meta, meta.provider == ProviderKind.anthropic.rawValue else { return }
            if let redacted = meta.data["redacted_data"]?.stringValue {
                out.beginObject()
                out.field("data", redacted)
                out.field("type", "redacted_thinking")
                out.endObject()
            } else if let signature = meta.data["signature"]?.stringValue {
                out.beginObject()
                out.field("signature", signature)
                out.field("thinking", value)
                out.field("type", "thinking")
                out.endObject()
            }
        case .toolUse(let call):
            out.beginObject()
            out.field("id", call.id)
            out.key("input")
            if case .object = call.args { out.value(call.args) } else { out.value(.object([:])) }
            out.field("name", call.name)
            out.field("type", "tool_use")
            out.endObject()
        }
    }

    private static func writeToolResult(_ result: ToolResult, to out: inout JSONBytesWriter) throws(LLMError) {
        out.beginObject()
        if result.content.count == 1, case .text(let value) = result.content[0] {
            out.field("content", value)
        } else if !result.content.isEmpty {
            out.key("content")
            out.beginArray()
            for block in result.content { try writeContentBlock(block, to: &out) }
            out.endArray()
        }
        if result.isError {
            out.key("is_error")
            out.bool(true)
        }
        out.field("tool_use_id", result.toolUseID)
        out.field("type", "tool_result")
        out.endObject()
    }
}
