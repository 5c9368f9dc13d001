import MeerkatCore

/// Transcript-projection helpers shared by the wire builders.
enum WireContent {
    /// The base64 bytes of an image, or a typed error for a blob reference (blobs are resolved to inline bytes by
    /// the layer that owns blob storage before a provider sees the transcript; sending a reference would fail).
    static func inlineImageData(_ source: ImageSource) throws(LLMError) -> String {
        switch source {
        case .inline(let data):
            return data
        case .blob(let blobID):
            throw LLMError(
                .invalidInputShape, "image \(blobID) is a blob reference; resolve it to inline data before the call")
        }
    }

    /// A `data:` URL for an image (OpenAI wires).
    static func dataURL(mediaType: String, source: ImageSource) throws(LLMError) -> String {
        "data:\(mediaType);base64,\(try inlineImageData(source))"
    }

    /// Splits the transcript into its leading system rows (the top-level instructions slot) and the rest.
    static func splitLeadingSystem(_ messages: [Message]) -> (system: [String], rest: ArraySlice<Message>) {
        var system: [String] = []
        var index = messages.startIndex
        while index < messages.endIndex, case .system(let content, _) = messages[index] {
            system.append(content)
            index += 1
        }
        return (system, messages[index...])
    }

    /// How a system row that appears after the conversation started is shown on wires without a positional
    /// system role: as user-side text, so the instruction keeps its place in the conversation.
    static func midTranscriptSystemText(_ content: String) -> String {
        "[System instruction]\n\(content)"
    }

    /// Tool name by call id, for wires whose results are correlated by name (Gemini).
    static func toolCallsByID(_ messages: some Sequence<Message>) -> [String: ToolCall] {
        var calls: [String: ToolCall] = [:]
        for message in messages {
            for call in message.toolCalls { calls[call.id] = call }
        }
        return calls
    }

    /// A tool result as plain text for wires that only take strings; failures are marked so the model sees them.
    static func toolResultText(_ result: ToolResult) -> String {
        result.isError ? "error: \(result.text)" : result.text
    }

    /// Writes one message object per run of consecutive rows with the same role, for wires that want alternating
    /// roles (Anthropic, Gemini): `{"<itemsKey>":[…],"role":"<role>"}` (`itemsKey` sorts before `role`). A row gives its
    /// role's wire name (nil when it sends nothing, which does not break a run) and its items in `groups` lists of
    /// comma-separated JSON; in a merged message every row's first-group items come before any second-group item
    /// (Anthropic's tool results first).
    static func writeMergedTurns<Row>(
        _ rows: ArraySlice<Row>, groups: Int, itemsKey: String, role: (Row) -> String?,
        items: (Row, _ group: Int) -> [UInt8], to out: inout JSONBytesWriter
    ) {
        var current: String?
        var lists = [[UInt8]](repeating: [], count: groups)
        func flush(_ out: inout JSONBytesWriter) {
            guard let name = current else { return }
            out.beginObject()
            out.key(itemsKey)
            out.beginArray()
            for index in lists.indices {
                out.encodedElements(lists[index][...])
                lists[index].removeAll(keepingCapacity: true)
            }
            out.endArray()
            out.field("role", name)
            out.endObject()
        }
        for row in rows {
            guard let name = role(row) else { continue }
            if name != current {
                flush(&out)
                current = name
            }
            for group in 0..<groups {
                let elements = items(row, group)
                guard !elements.isEmpty else { continue }
                if !lists[group].isEmpty { lists[group].append(UInt8(ascii: ",")) }
                lists[group].append(contentsOf: elements)
            }
        }
        flush(&out)
    }

    /// A body written as bytes, parsed back (for `wireBody` and for merging provider parameters).
    static func parseBody(_ bytes: [UInt8]) throws(LLMError) -> JSONValue {
        do { return try JSONValue.parse(bytes: bytes) } catch {
            throw LLMError(.invalidInputShape, "the request body is not valid JSON: \(error.message)")
        }
    }

    /// `body` with the request's provider parameters merged in (they may override any field), or as it is.
    static func merging(_ params: JSONValue?, into body: [UInt8]) throws(LLMError) -> [UInt8] {
        guard let params else { return body }
        return try parseBody(body).merging(params).encodedJSONBytes()
    }
}
