import MeerkatCore

/// The parts of a `chat.completion.chunk` the decoder reads (unknown fields are ignored; PROVIDERS.md §2.3).
///
/// Read from the chunk's bytes with a `JSONCursor`, without `JSONDecoder` or a `JSONValue` tree: a streamed answer is
/// many small chunks, and building a dictionary for every object of every chunk cost more than the rest of the
/// decoding. The rules are `Decodable`'s for these optional fields: a missing or `null` field is absent, a field of
/// another type makes the chunk unreadable (`ChatCompletionsChunkReaderTests` holds the reader to a `JSONValue`-based
/// one).
struct ChatCompletionsWireChunk: Equatable {
    /// A field of an unexpected type (the chunk is not a `chat.completion.chunk`).
    struct Mismatch: Error, Equatable {
        let field: String
    }

    struct Function: Equatable {
        var name: String?
        var arguments: String?
    }

    struct ToolCall: Equatable {
        var index: Int?
        var id: String?
        var function: Function?
    }

    struct Delta: Equatable {
        var content: String?
        var reasoningContent: String?
        var reasoning: String?
        var refusal: String?
        var toolCalls: [ToolCall]?
    }

    struct Choice: Equatable {
        var index: Int?
        var delta: Delta?
        var finishReason: String?
    }

    struct Usage: Equatable {
        var promptTokens: Int?
        var completionTokens: Int?
        var cachedTokens: Int?
    }

    var choices: [Choice]?
    var usage: Usage?

    init(choices: [Choice]?, usage: Usage?) {
        self.choices = choices
        self.usage = usage
    }

    /// Reads a chunk's text. Throws when `JSONValue.parse` would refuse the text, or when a field the decoder reads
    /// has another type (`Mismatch`; a key written twice counts once, the last time, as in a parsed object).
    init(text: String) throws {
        var choices: Read<[Choice]?> = .success(nil)
        var usage: Read<Usage?> = .success(nil)
        var isObject = false
        try JSONValue.read(text) { (cursor: inout JSONCursor) throws(JSONValue.ParseError) in
            guard cursor.kind == .object else {
                try cursor.skip()
                return
            }
            try cursor.members { cursor, key throws(JSONValue.ParseError) in
                switch key {
                case "choices": choices = try Self.array(&cursor, "choices", Self.choice)
                case "usage": usage = try Self.optionalObject(&cursor, "usage", Self.usage)
                default: try cursor.skip()
                }
            }
            isObject = true
        }
        guard isObject else { throw Mismatch(field: "chunk") }
        self.init(choices: try choices.get(), usage: try usage.get())
    }

    /// A field read from the cursor, or the mismatch it had (kept until the object ends: a later duplicate key wins).
    private typealias Read<T> = Result<T, Mismatch>

    private static func choice(_ cursor: inout JSONCursor) throws(JSONValue.ParseError) -> Read<Choice> {
        var index: Read<Int?> = .success(nil)
        var delta: Read<Delta?> = .success(nil)
        var finishReason: Read<String?> = .success(nil)
        let read = try object(&cursor, "choices[]") { cursor, key throws(JSONValue.ParseError) in
            switch key {
            case "index": index = try int(&cursor, "index")
            case "delta": delta = try optionalObject(&cursor, "delta", Self.delta)
            case "finish_reason": finishReason = try string(&cursor, "finish_reason")
            default: try cursor.skip()
            }
        }
        return read.flatMap { _ in
            Result { () throws(Mismatch) in
                Choice(index: try index.get(), delta: try delta.get(), finishReason: try finishReason.get())
            }
        }
    }

    private static func delta(_ cursor: inout JSONCursor) throws(JSONValue.ParseError) -> Read<Delta> {
        var content: Read<String?> = .success(nil)
        var reasoningContent: Read<String?> = .success(nil)
        var reasoning: Read<String?> = .success(nil)
        var refusal: Read<String?> = .success(nil)
        var toolCalls: Read<[ToolCall]?> = .success(nil)
        let read = try object(&cursor, "delta") { cursor, key throws(JSONValue.ParseError) in
            switch key {
            case "content": content = try string(&cursor, "content")
            case "reasoning_content": reasoningContent = try string(&cursor, "reasoning_content")
            case "reasoning": reasoning = try string(&cursor, "reasoning")
            case "refusal": refusal = try string(&cursor, "refusal")
            case "tool_calls": toolCalls = try array(&cursor, "tool_calls", Self.toolCall)
            default: try cursor.skip()
            }
        }
        return read.flatMap { _ in
            Result { () throws(Mismatch) in
                Delta(
                    content: try content.get(), reasoningContent: try reasoningContent.get(),
                    reasoning: try reasoning.get(), refusal: try refusal.get(), toolCalls: try toolCalls.get())
            }
        }
    }

    private static func toolCall(_ cursor: inout JSONCursor) throws(JSONValue.ParseError) -> Read<ToolCall> {
        var index: Read<Int?> = .success(nil)
        var id: Read<String?> = .success(nil)
        var function: Read<Function?> = .success(nil)
        let read = try object(&cursor, "tool_calls[]") { cursor, key throws(JSONValue.ParseError) in
            switch key {
            case "index": index = try int(&cursor, "index")
            case "id": id = try string(&cursor, "id")
            case "function": function = try optionalObject(&cursor, "function", Self.function)
            default: try cursor.skip()
            }
        }
        return read.flatMap { _ in
            Result { () throws(Mismatch) in
                ToolCall(index: try index.get(), id: try id.get(), function: try function.get())
            }
        }
    }

    private static func function(_ cursor: inout JSONCursor) throws(JSONValue.ParseError) -> Read<Function> {
        var name: Read<String?> = .success(nil)
        var arguments: Read<String?> = .success(nil)
        let read = try object(&cursor, "function") { cursor, key throws(JSONValue.ParseError) in
            switch key {
            case "name": name = try string(&cursor, "name")
            case "arguments": arguments = try string(&cursor, "arguments")
            default: try cursor.skip()
            }
        }
        return read.flatMap { _ in
            Result { () throws(Mismatch) in Function(name: try name.get(), arguments: try arguments.get()) }
        }
    }

    private static func usage(_ cursor: inout JSONCursor) throws(JSONValue.ParseError) -> Read<Usage> {
        var promptTokens: Read<Int?> = .success(nil)
        var completionTokens: Read<Int?> = .success(nil)
        var cachedTokens: Read<Int?> = .success(nil)
        let read = try object(&cursor, "usage") { cursor, key throws(JSONValue.ParseError) in
            switch key {
            case "prompt_tokens": promptTokens = try int(&cursor, "prompt_tokens")
            case "completion_tokens": completionTokens = try int(&cursor, "completion_tokens")
            case "prompt_tokens_details":
                cachedTokens = try optionalObject(&cursor, "prompt_tokens_details", Self.cachedTokens).map { $0 ?? nil }
            default: try cursor.skip()
            }
        }
        return read.flatMap { _ in
            Result { () throws(Mismatch) in
                Usage(
                    promptTokens: try promptTokens.get(), completionTokens: try completionTokens.get(),
                    cachedTokens: try cachedTokens.get())
            }
        }
    }

    private static func cachedTokens(_ cursor: inout JSONCursor) throws(JSONValue.ParseError) -> Read<Int?> {
        var cached: Read<Int?> = .success(nil)
        let read = try object(&cursor, "prompt_tokens_details") { cursor, key throws(JSONValue.ParseError) in
            if key == "cached_tokens" { cached = try int(&cursor, "cached_tokens") } else { try cursor.skip() }
        }
        return read.flatMap { _ in cached }
    }

    /// An object's members through `body`, or a mismatch (the value skipped) when it is not an object.
    private static func object(
        _ cursor: inout JSONCursor, _ field: String,
        _ body: (inout JSONCursor, String) throws(JSONValue.ParseError) -> Void
    ) throws(JSONValue.ParseError) -> Read<Void> {
        guard cursor.kind == .object else {
            try cursor.skip()
            return .failure(Mismatch(field: field))
        }
        try cursor.members(body)
        return .success(())
    }

    /// Nil for `null`, else the object read by `read`.
    private static func optionalObject<T>(
        _ cursor: inout JSONCursor, _ field: String,
        _ read: (inout JSONCursor) throws(JSONValue.ParseError) -> Read<T>
    ) throws(JSONValue.ParseError) -> Read<T?> {
        if cursor.kind == .null {
            try cursor.skip()
            return .success(nil)
        }
        guard cursor.kind == .object else {
            try cursor.skip()
            return .failure(Mismatch(field: field))
        }
        return try read(&cursor).map { $0 }
    }

    /// Nil for `null`, else every element read by `element` (the first mismatch, after reading them all).
    private static func array<T>(
        _ cursor: inout JSONCursor, _ field: String,
        _ element: (inout JSONCursor) throws(JSONValue.ParseError) -> Read<T>
    ) throws(JSONValue.ParseError) -> Read<[T]?> {
        if cursor.kind == .null {
            try cursor.skip()
            return .success(nil)
        }
        guard cursor.kind == .array else {
            try cursor.skip()
            return .failure(Mismatch(field: field))
        }
        var values: [T] = []
        var mismatch: Mismatch?
        try cursor.elements { cursor throws(JSONValue.ParseError) in
            switch try element(&cursor) {
            case .success(let value): values.append(value)
            case .failure(let failure): mismatch = mismatch ?? failure
            }
        }
        if let mismatch { return .failure(mismatch) }
        return .success(values)
    }

    private static func string(_ cursor: inout JSONCursor, _ field: String) throws(JSONValue.ParseError)
        -> Read<String?>
    {
        switch cursor.kind {
        case .null:
            try cursor.skip()
            return .success(nil)
        case .string: return .success(try cursor.string())
        default:
            try cursor.skip()
            return .failure(Mismatch(field: field))
        }
    }

    private static func int(_ cursor: inout JSONCursor, _ field: String) throws(JSONValue.ParseError) -> Read<Int?> {
        switch cursor.kind {
        case .null:
            try cursor.skip()
            return .success(nil)
        case .number:
            // `JSONValue.intValue`'s rule: a whole number below 9e15 in magnitude.
            guard let number = JSONValue.number(try cursor.number()).intValue else {
                return .failure(Mismatch(field: field))
            }
            return .success(number)
        default:
            try cursor.skip()
            return .failure(Mismatch(field: field))
        }
    }
}
