import MeerkatCore

/// Maps the canonical transcript onto a `GenerateContentRequest` (PROVIDERS.md §4.2, §4.5).
///
/// - Leading system rows become `systemInstruction`; later ones are user text in place (Gemini has no positional
///   system role).
/// - Roles are `user`/`model`; consecutive rows of one role merge into one content.
/// - Gemini continuity meta (`thought_signature`, server call `id`) is echoed on the same part it came from.
/// - Tool results are `functionResponse` parts named after the call they answer: the nearest call with their id in
///   the rows before them. `{"result": ...}` or `{"error": ...}` is the response object.
/// - Tool and output schemas go through `GeminiSchema` (Google's OpenAPI subset).
///
/// The body is written straight to bytes (`JSONBytesWriter`, keys in sorted order), each transcript row's parts as a
/// fragment that a client keeps between requests (`EncodedMessages`), so a long conversation is not re-encoded on
/// every call. Provider parameters, which may override any field, are merged on the parsed body.
enum GeminiRequestBuilder {
    enum Role: Sendable { case user, model }

    /// A tool call a row makes, as the results that answer it name it.
    struct CallRef: Sendable {
        var id: String
        var name: String
        /// The call id Gemini sent, echoed on the answer.
        var serverID: String?
    }

    /// One transcript row's wire parts: its role (nil when it sends nothing), its parts as comma-separated JSON,
    /// and the tool calls it makes.
    struct RowParts: Sendable {
        var role: Role?
        var parts: [UInt8] = []
        var calls: [CallRef] = []
    }

    /// The request body as JSON bytes (the bytes sent on the wire).
    /// - Parameter cache: the encoded rows of this conversation's previous request.
    static func bodyBytes(for request: LLMRequest, cache: EncodedMessages<RowParts>? = nil) throws(LLMError)
        -> [UInt8]
    {
        let (system, rest) = WireContent.splitLeadingSystem(request.messages)
        var out = JSONBytesWriter(capacity: 512 + request.messages.count * 128)
        out.beginObject()
        // Keys in ascending order: contents, generationConfig, systemInstruction, tools.
        out.key("contents")
        out.beginArray()
        if let cache {
            try cache.withFragments(of: rest, encoding: rowParts) { rows in writeContents(rows, to: &out) }
        } else {
            writeContents(try encodeAll(rest)[...], to: &out)
        }
        out.endArray()
        writeGenerationConfig(request, to: &out)
        if !system.isEmpty {
            out.key("systemInstruction")
            out.beginObject()
            out.key("parts")
            out.beginArray()
            for text in system { writeText(text, to: &out) }
            out.endArray()
            out.endObject()
        }
        if !request.tools.isEmpty {
            out.key("tools")
            out.beginArray()
            out.beginObject()
            out.key("functionDeclarations")
            out.beginArray()
            for tool in request.tools {
                out.beginObject()
                out.field("description", tool.description)
                out.field("name", tool.name)
                out.key("parameters")
                out.value(GeminiSchema.convert(tool.inputSchema))
                out.endObject()
            }
            out.endArray()
            out.endObject()
            out.endArray()
        }
        out.endObject()
        return try WireContent.merging(request.providerParams, into: out.bytes)
    }

    /// The request body as a `JSONValue` (the parsed wire bytes; for inspection and tests).
    static func body(for request: LLMRequest) throws(LLMError) -> JSONValue {
        try WireContent.parseBody(bodyBytes(for: request))
    }

    private static func writeGenerationConfig(_ request: LLMRequest, to out: inout JSONBytesWriter) {
        // Keys in ascending order: maxOutputTokens, responseMimeType, responseSchema, stopSequences, temperature.
        out.key("generationConfig")
        out.beginObject()
        out.key("maxOutputTokens")
        out.number(Double(request.maxTokens))
        if let format = request.outputFormat {
            out.field("responseMimeType", "application/json")
            out.key("responseSchema")
            out.value(GeminiSchema.convert(format.schema))
        }
        if let stops = request.stopSequences, !stops.isEmpty {
            out.key("stopSequences")
            out.beginArray()
            for stop in stops { out.string(stop) }
            out.endArray()
        }
        if let temperature = request.temperature {
            out.key("temperature")
            out.number(temperature)
        }
        out.endObject()
    }

    /// Every row's parts, each encoded after the rows before it (as the cache encodes them).
    private static func encodeAll(_ rows: ArraySlice<Message>) throws(LLMError) -> [RowParts] {
        var encoded: [RowParts] = []
        encoded.reserveCapacity(rows.count)
        for row in rows { encoded.append(try rowParts(row, after: encoded[...])) }
        return encoded
    }

    /// Merges consecutive rows of the same role into one content; rows that send nothing are skipped.
    private static func writeContents(_ rows: ArraySlice<RowParts>, to out: inout JSONBytesWriter) {
        WireContent.writeMergedTurns(
            rows, groups: 1, itemsKey: "parts", role: { $0.role.map { $0 == .user ? "user" : "model" } },
            items: { row, _ in row.parts }, to: &out)
    }

    /// A transcript row's wire parts; `before` are the parts of the rows before it (where its results' calls are).
    static func rowParts(_ row: Message, after before: ArraySlice<RowParts>) throws(LLMError) -> RowParts {
        var out = JSONBytesWriter(capacity: 128)
        var calls: [CallRef] = []
        let role: Role
        switch row {
        case .system(let content, _):
            role = .user
            writeText(WireContent.midTranscriptSystemText(content), to: &out)
        case .systemNotice(_, let blocks, _):
            role = .user
            for block in blocks { try writeContentPart(block, to: &out) }
        case .user(let content, _, _):
            role = .user
            for block in content { try writeContentPart(block, to: &out) }
        case .assistant(let blocks, _, _):
            role = .model
            for block in blocks { writeModelPart(block, to: &out, calls: &calls) }
        case .toolResults(let results, _):
            role = .user
            for result in results {
                guard let call = call(answering: result.toolUseID, in: before) else {
                    throw LLMError(
                        .invalidInputShape,
                        "tool result \(result.toolUseID) answers no tool call before it in the transcript")
                }
                writeFunctionResponse(result, call: call, to: &out)
            }
        }
        guard !out.bytes.isEmpty else { return RowParts(role: nil) }
        return RowParts(role: role, parts: out.bytes, calls: calls)
    }

    /// The nearest call with `id` in the rows before a result (usually the row right before it).
    private static func call(answering id: String, in before: ArraySlice<RowParts>) -> CallRef? {
        for row in before.reversed() {
            if let call = row.calls.last(where: { $0.id == id }) { return call }
        }
        return nil
    }

    private static func writeText(_ text: String, to out: inout JSONBytesWriter) {
        out.beginObject()
        out.field("text", text)
        out.endObject()
    }

    private static func writeContentPart(_ block: ContentBlock, to out: inout JSONBytesWriter) throws(LLMError) {
        switch block {
        case .text(let text):
            if !text.isEmpty { writeText(text, to: &out) }
        case .image(let mediaType, let source):
            let data = try WireContent.inlineImageData(source)
            out.beginObject()
            out.key("inlineData")
            out.beginObject()
            out.field("data", data)
            out.field("mimeType", mediaType)
            out.endObject()
            out.endObject()
        case .structured(let value):
            writeText(value.compactText(), to: &out)
        }
    }

    private static func writeModelPart(_ block: AssistantBlock, to out: inout JSONBytesWriter, calls: inout [CallRef]) {
        switch block {
        case .text(let text, let meta):
            let signature = signature(meta)
            guard !text.isEmpty || signature != nil else { return }
            out.beginObject()
            out.field("text", text)
            if let signature { out.field("thoughtSignature", signature) }
            out.endObject()
        case .reasoning(let text, let meta):
            // Thought summaries need not be replayed; only a signed one carries continuity.
            guard let signature = signature(meta) else { return }
            out.beginObject()
            out.field("text", text)
            out.key("thought")
            out.bool(true)
            out.field("thoughtSignature", signature)
            out.endObject()
        case .toolUse(let call):
            let serverID = geminiMeta(call.meta)?["id"]?.stringValue
            calls.append(CallRef(id: call.id, name: call.name, serverID: serverID))
            out.beginObject()
            out.key("functionCall")
            out.beginObject()
            out.key("args")
            out.value(call.args.objectValue != nil ? call.args : .object([:]))
            if let serverID { out.field("id", serverID) }
            out.field("name", call.name)
            out.endObject()
            if let signature = signature(call.meta) { out.field("thoughtSignature", signature) }
            out.endObject()
        }
    }

    private static func writeFunctionResponse(_ result: ToolResult, call: CallRef, to out: inout JSONBytesWriter) {
        let value: JSONValue =
            if result.content.count == 1, case .structured(let structured) = result.content[0] {
                structured
            } else {
                .string(result.text)
            }
        out.beginObject()
        out.key("functionResponse")
        out.beginObject()
        if let serverID = call.serverID { out.field("id", serverID) }
        out.field("name", call.name)
        out.key("response")
        out.beginObject()
        out.key(result.isError ? "error" : "result")
        out.value(value)
        out.endObject()
        out.endObject()
        out.endObject()
    }

    private static func geminiMeta(_ meta: ProviderMeta?) -> JSONValue? {
        guard let meta, meta.provider == ProviderKind.gemini.rawValue else { return nil }
        return meta.data
    }

    private static func signature(_ meta: ProviderMeta?) -> String? {
        geminiMeta(meta)?["thought_signature"]?.stringValue
    }
}
