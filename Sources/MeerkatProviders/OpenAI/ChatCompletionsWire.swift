import MeerkatCore

/// The parts of a `chat.completion.chunk` the decoder reads (unknown fields are ignored; PROVIDERS.md §2.3).
///
/// Read from the chunk's `JSONValue` (the byte-level reader) rather than through `JSONDecoder`: a streamed answer is
/// many small chunks, and Foundation's decoder cost more per chunk than the rest of the decoding. The rules are
/// `Decodable`'s for these optional fields: a missing or `null` field is absent, a field of another type makes the
/// chunk unreadable.
struct ChatCompletionsWireChunk {
    /// A field of an unexpected type (the chunk is not a `chat.completion.chunk`).
    struct Mismatch: Error {
        let field: String
    }

    struct Function {
        var name: String?
        var arguments: String?
    }

    struct ToolCall {
        var index: Int?
        var id: String?
        var function: Function?
    }

    struct Delta {
        var content: String?
        var reasoningContent: String?
        var reasoning: String?
        var refusal: String?
        var toolCalls: [ToolCall]?
    }

    struct Choice {
        var index: Int?
        var delta: Delta?
        var finishReason: String?
    }

    struct Usage {
        var promptTokens: Int?
        var completionTokens: Int?
        var cachedTokens: Int?
    }

    var choices: [Choice]?
    var usage: Usage?

    init(_ json: JSONValue) throws(Mismatch) {
        let chunk = try Self.object(json, "chunk")
        choices = try Self.array(chunk["choices"], "choices")?.map { choice throws(Mismatch) in
            let choice = try Self.object(choice, "choices[]")
            return Choice(
                index: try Self.int(choice["index"], "index"),
                delta: try Self.optionalObject(choice["delta"], "delta").map { delta throws(Mismatch) in
                    try Self.delta(delta)
                },
                finishReason: try Self.string(choice["finish_reason"], "finish_reason"))
        }
        usage = try Self.optionalObject(chunk["usage"], "usage").map { usage throws(Mismatch) in
            Usage(
                promptTokens: try Self.int(usage["prompt_tokens"], "prompt_tokens"),
                completionTokens: try Self.int(usage["completion_tokens"], "completion_tokens"),
                cachedTokens: try Self.optionalObject(usage["prompt_tokens_details"], "prompt_tokens_details")
                    .flatMap { details throws(Mismatch) in try Self.int(details["cached_tokens"], "cached_tokens") })
        }
    }

    private static func delta(_ delta: [String: JSONValue]) throws(Mismatch) -> Delta {
        Delta(
            content: try string(delta["content"], "content"),
            reasoningContent: try string(delta["reasoning_content"], "reasoning_content"),
            reasoning: try string(delta["reasoning"], "reasoning"),
            refusal: try string(delta["refusal"], "refusal"),
            toolCalls: try array(delta["tool_calls"], "tool_calls")?.map { call throws(Mismatch) in
                let call = try object(call, "tool_calls[]")
                return ToolCall(
                    index: try int(call["index"], "index"), id: try string(call["id"], "id"),
                    function: try optionalObject(call["function"], "function").map { function throws(Mismatch) in
                        Function(
                            name: try string(function["name"], "name"),
                            arguments: try string(function["arguments"], "arguments"))
                    })
            })
    }

    private static func object(_ value: JSONValue, _ field: String) throws(Mismatch) -> [String: JSONValue] {
        guard case .object(let members) = value else { throw Mismatch(field: field) }
        return members
    }

    private static func optionalObject(_ value: JSONValue?, _ field: String) throws(Mismatch) -> [String: JSONValue]? {
        guard let value, value != .null else { return nil }
        return try object(value, field)
    }

    private static func array(_ value: JSONValue?, _ field: String) throws(Mismatch) -> [JSONValue]? {
        guard let value, value != .null else { return nil }
        guard case .array(let elements) = value else { throw Mismatch(field: field) }
        return elements
    }

    private static func string(_ value: JSONValue?, _ field: String) throws(Mismatch) -> String? {
        guard let value, value != .null else { return nil }
        guard case .string(let text) = value else { throw Mismatch(field: field) }
        return text
    }

    private static func int(_ value: JSONValue?, _ field: String) throws(Mismatch) -> Int? {
        guard let value, value != .null else { return nil }
        guard let number = value.intValue else { throw Mismatch(field: field) }
        return number
    }
}
