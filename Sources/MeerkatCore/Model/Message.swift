public import Foundation

/// Why a model response ended (stored on each assistant message).
public enum StopReason: String, Sendable, Hashable, Codable, CaseIterable {
    case endTurn = "end_turn"
    case toolUse = "tool_use"
    case maxTokens = "max_tokens"
    case stopSequence = "stop_sequence"
    case contentFilter = "content_filter"
    case cancelled
}

/// Opaque provider continuity data (thinking signatures, encrypted reasoning, thought signatures) that
/// must be replayed verbatim to the provider that produced it.
public struct ProviderMeta: Sendable, Hashable, Codable {
    /// Provider that minted the data (`anthropic`, `openai`, `gemini`, ...).
    public var provider: String
    /// Provider-specific fields, never interpreted by the core.
    public var data: JSONValue

    public init(provider: String, data: JSONValue) {
        self.provider = provider
        self.data = data
    }
}

/// One ordered block of an assistant message (tag `block_type`, fields under `data`).
public enum AssistantBlock: Sendable, Hashable, Codable {
    /// Visible answer text.
    case text(text: String, meta: ProviderMeta?)
    /// Thinking text with its continuity meta.
    case reasoning(text: String, meta: ProviderMeta?)
    /// A tool call the model requested.
    case toolUse(ToolCall)

    private enum CodingKeys: String, CodingKey { case blockType = "block_type", data }
    private struct TextData: Codable { var text: String; var meta: ProviderMeta? }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(String.self, forKey: .blockType) {
        case "text":
            let data = try container.decode(TextData.self, forKey: .data)
            self = .text(text: data.text, meta: data.meta)
        case "reasoning":
            let data = try container.decode(TextData.self, forKey: .data)
            self = .reasoning(text: data.text, meta: data.meta)
        case "tool_use":
            self = .toolUse(try container.decode(ToolCall.self, forKey: .data))
        case let other:
            throw TaggedCoding.unknownTag(
                other, key: "block_type", expected: ["text", "reasoning", "tool_use"], in: decoder)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .text(let text, let meta):
            try container.encode("text", forKey: .blockType)
            try container.encode(TextData(text: text, meta: meta), forKey: .data)
        case .reasoning(let text, let meta):
            try container.encode("reasoning", forKey: .blockType)
            try container.encode(TextData(text: text, meta: meta), forKey: .data)
        case .toolUse(let call):
            try container.encode("tool_use", forKey: .blockType)
            try container.encode(call, forKey: .data)
        }
    }
}

/// A tool call requested by the model.
public struct ToolCall: Sendable, Hashable, Codable {
    /// Provider-assigned call id; the matching result carries it as `tool_use_id`.
    public var id: String
    /// Tool name.
    public var name: String
    /// Parsed arguments (`{}` when the model sent unparsable JSON; see `argumentsError`).
    public var args: JSONValue
    /// Provider continuity meta attached to the call (e.g. Gemini thought signature).
    public var meta: ProviderMeta?
    /// Why the raw arguments could not be parsed, if they could not. Not persisted.
    public var argumentsError: String?

    private enum CodingKeys: String, CodingKey { case id, name, args, meta }

    public init(id: String, name: String, args: JSONValue, meta: ProviderMeta? = nil, argumentsError: String? = nil) {
        self.id = id
        self.name = name
        self.args = args
        self.meta = meta
        self.argumentsError = argumentsError
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        name = try container.decode(String.self, forKey: .name)
        args = try container.decodeIfPresent(JSONValue.self, forKey: .args) ?? .object([:])
        meta = try container.decodeIfPresent(ProviderMeta.self, forKey: .meta)
        argumentsError = nil
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(name, forKey: .name)
        try container.encode(args, forKey: .args)
        try container.encodeIfPresent(meta, forKey: .meta)
    }
}

/// The result of one tool call. Text-only content serialises as a plain string.
public struct ToolResult: Sendable, Hashable, Codable {
    /// The `ToolCall.id` this answers.
    public var toolUseID: String
    /// Result content.
    public var content: [ContentBlock]
    /// True when the tool failed; the model sees the content as an error.
    public var isError: Bool

    private enum CodingKeys: String, CodingKey { case toolUseID = "tool_use_id", content, isError = "is_error" }

    public init(toolUseID: String, content: [ContentBlock], isError: Bool = false) {
        self.toolUseID = toolUseID
        self.content = content
        self.isError = isError
    }

    /// A text result.
    public init(toolUseID: String, text: String, isError: Bool = false) {
        self.init(toolUseID: toolUseID, content: [.text(text)], isError: isError)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        toolUseID = try container.decode(String.self, forKey: .toolUseID)
        switch try container.decode(ContentInput.self, forKey: .content) {
        case .text(let text): content = [.text(text)]
        case .blocks(let blocks): content = blocks
        }
        isError = try container.decodeIfPresent(Bool.self, forKey: .isError) ?? false
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(toolUseID, forKey: .toolUseID)
        if content.count == 1, case .text(let text) = content[0] {
            try container.encode(text, forKey: .content)
        } else {
            try container.encode(content, forKey: .content)
        }
        try container.encode(isError, forKey: .isError)
    }

    /// All text of the result joined by newlines.
    public var text: String { content.map(\.textProjection).joined(separator: "\n") }
}

/// How a user row takes part in the conversation.
public enum TranscriptRole: String, Sendable, Hashable, Codable {
    case conversational
    case injectedContext = "injected_context"
    case compactionSummary = "compaction_summary"
}

/// Kind of a runtime-authored system notice.
public enum SystemNoticeKind: String, Sendable, Hashable, Codable {
    case generic, comms
    case externalEvent = "external_event"
    case mcpPending = "mcp_pending"
    case mcp
    case backgroundJob = "background_job"
    case toolScope = "tool_scope"
    case toolScopeWarning = "tool_scope_warning"
    case authReauthRequired = "auth_reauth_required"
}

/// One transcript row (tag `role`).
public enum Message: Sendable, Hashable, Codable {
    /// An instruction; legal at any position.
    case system(content: String, createdAt: Date)
    /// Runtime-authored metadata shown to the model as user-side text.
    case systemNotice(kind: SystemNoticeKind, blocks: [ContentBlock], createdAt: Date)
    /// User content.
    case user(content: [ContentBlock], transcriptRole: TranscriptRole, createdAt: Date)
    /// One model response: ordered blocks and its stop reason.
    case assistant(blocks: [AssistantBlock], stopReason: StopReason, createdAt: Date)
    /// The results of one tool batch, ordered as requested.
    case toolResults(results: [ToolResult], createdAt: Date)

    private enum CodingKeys: String, CodingKey {
        case role, content, kind, blocks, results
        case transcriptRole = "transcript_role"
        case stopReason = "stop_reason"
        case createdAt = "created_at"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let createdAt = try container.decodeIfPresent(Date.self, forKey: .createdAt) ?? Date(timeIntervalSince1970: 0)
        switch try container.decode(String.self, forKey: .role) {
        case "system":
            self = .system(content: try container.decode(String.self, forKey: .content), createdAt: createdAt)
        case "system_notice":
            self = .systemNotice(
                kind: try container.decodeIfPresent(SystemNoticeKind.self, forKey: .kind) ?? .generic,
                blocks: try container.decode([ContentBlock].self, forKey: .blocks), createdAt: createdAt)
        case "user":
            self = .user(
                content: try container.decode(ContentInput.self, forKey: .content).blocks,
                transcriptRole: try container.decodeIfPresent(TranscriptRole.self, forKey: .transcriptRole)
                    ?? .conversational,
                createdAt: createdAt)
        case "block_assistant":
            self = .assistant(
                blocks: try container.decode([AssistantBlock].self, forKey: .blocks),
                stopReason: try container.decode(StopReason.self, forKey: .stopReason), createdAt: createdAt)
        case "tool_results":
            self = .toolResults(
                results: try container.decode([ToolResult].self, forKey: .results), createdAt: createdAt)
        case let other:
            throw TaggedCoding.unknownTag(
                other, key: "role",
                expected: ["system", "system_notice", "user", "block_assistant", "tool_results"], in: decoder)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(role, forKey: .role)
        try container.encode(createdAt, forKey: .createdAt)
        switch self {
        case .system(let content, _):
            try container.encode(content, forKey: .content)
        case .systemNotice(let kind, let blocks, _):
            try container.encode(kind, forKey: .kind)
            try container.encode(blocks, forKey: .blocks)
        case .user(let content, let transcriptRole, _):
            try container.encode(content, forKey: .content)
            try container.encode(transcriptRole, forKey: .transcriptRole)
        case .assistant(let blocks, let stopReason, _):
            try container.encode(blocks, forKey: .blocks)
            try container.encode(stopReason, forKey: .stopReason)
        case .toolResults(let results, _):
            try container.encode(results, forKey: .results)
        }
    }

    /// The wire role name.
    public var role: String {
        switch self {
        case .system: "system"
        case .systemNotice: "system_notice"
        case .user: "user"
        case .assistant: "block_assistant"
        case .toolResults: "tool_results"
        }
    }

    /// When the row was created.
    public var createdAt: Date {
        switch self {
        case .system(_, let date), .systemNotice(_, _, let date), .user(_, _, let date), .assistant(_, _, let date),
            .toolResults(_, let date):
            date
        }
    }

    /// Tool calls of an assistant row, in order (empty for other rows).
    public var toolCalls: [ToolCall] {
        guard case .assistant(let blocks, _, _) = self else { return [] }
        return blocks.compactMap { if case .toolUse(let call) = $0 { call } else { nil } }
    }

    /// Visible text of an assistant row (text blocks concatenated).
    public var assistantText: String? {
        guard case .assistant(let blocks, _, _) = self else { return nil }
        return blocks.compactMap { if case .text(let text, _) = $0 { text } else { nil } }.joined()
    }
}

/// Token counts of one LLM call or a cumulative total.
public struct Usage: Sendable, Hashable, Codable {
    /// Uncached input tokens.
    public var inputTokens: Int
    /// Output tokens (reasoning included).
    public var outputTokens: Int
    /// Tokens written to the provider's prompt cache.
    public var cacheCreationTokens: Int?
    /// Tokens read from the provider's prompt cache.
    public var cacheReadTokens: Int?
    /// Estimated tokens of model calls whose provider reported no usage (`TokenEstimate`); not part of the
    /// reported counters. nil when every call reported usage.
    public var estimatedTokens: Int?

    private enum CodingKeys: String, CodingKey {
        case inputTokens = "input_tokens", outputTokens = "output_tokens"
        case cacheCreationTokens = "cache_creation_tokens", cacheReadTokens = "cache_read_tokens"
        case estimatedTokens = "estimated_tokens"
    }

    public init(
        inputTokens: Int = 0, outputTokens: Int = 0, cacheCreationTokens: Int? = nil, cacheReadTokens: Int? = nil,
        estimatedTokens: Int? = nil
    ) {
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.cacheCreationTokens = cacheCreationTokens
        self.cacheReadTokens = cacheReadTokens
        self.estimatedTokens = estimatedTokens
    }

    /// Usage of a call the provider reported nothing for: only an estimate.
    public static func unreported(estimated: Int) -> Usage { Usage(estimatedTokens: estimated) }

    /// True when no call reported usage at all: the reported counters are unknown, not zero.
    public var isUnreported: Bool {
        inputTokens == 0 && outputTokens == 0 && cacheCreationTokens == nil && cacheReadTokens == nil
            && estimatedTokens != nil
    }

    /// What budgets count: reported tokens plus estimates for unreported calls.
    public var budgetedTokens: Int { totalTokens + (estimatedTokens ?? 0) }

    /// Input tokens as the model saw them: uncached + cache writes + cache reads.
    public var presentedInputTokens: Int { inputTokens + (cacheCreationTokens ?? 0) + (cacheReadTokens ?? 0) }

    /// Presented input plus output.
    public var totalTokens: Int { presentedInputTokens + outputTokens }

    /// Field-wise sum (cache counters stay nil only when both sides are nil).
    public static func + (lhs: Usage, rhs: Usage) -> Usage {
        func add(_ a: Int?, _ b: Int?) -> Int? { a == nil && b == nil ? nil : (a ?? 0) + (b ?? 0) }
        return Usage(
            inputTokens: lhs.inputTokens + rhs.inputTokens, outputTokens: lhs.outputTokens + rhs.outputTokens,
            cacheCreationTokens: add(lhs.cacheCreationTokens, rhs.cacheCreationTokens),
            cacheReadTokens: add(lhs.cacheReadTokens, rhs.cacheReadTokens),
            estimatedTokens: add(lhs.estimatedTokens, rhs.estimatedTokens))
    }

    public static func += (lhs: inout Usage, rhs: Usage) { lhs = lhs + rhs }
}

/// A durable conversation: ordered transcript, metadata and cumulative usage.
public struct Session: Sendable, Hashable, Codable {
    public var id: SessionID
    public var messages: [Message]
    /// Free-form metadata (model intent, labels, ...).
    public var metadata: [String: JSONValue]
    /// Session-cumulative usage over every LLM call.
    public var usage: Usage
    public var createdAt: Date
    public var updatedAt: Date
    /// The rows the model sees since the last compaction; nil = every row (never compacted).
    public var activeContext: ActiveContext?

    private enum CodingKeys: String, CodingKey {
        case id, messages, metadata, usage, createdAt = "created_at", updatedAt = "updated_at"
        case activeContext = "active_context"
    }

    public init(
        id: SessionID = SessionID(), messages: [Message] = [], metadata: [String: JSONValue] = [:],
        usage: Usage = Usage(), createdAt: Date = Date(), updatedAt: Date? = nil, activeContext: ActiveContext? = nil
    ) {
        self.id = id
        self.messages = messages
        self.metadata = metadata
        self.usage = usage
        self.createdAt = createdAt
        self.updatedAt = updatedAt ?? createdAt
        self.activeContext = activeContext
    }

    /// Ids of `tool_use` blocks that no later `tool_results` row answers.
    public var unansweredToolUseIDs: [String] {
        var pending: [String] = []
        for message in messages {
            switch message {
            case .assistant:
                pending.append(contentsOf: message.toolCalls.map(\.id))
            case .toolResults(let results, _):
                let answered = Set(results.map(\.toolUseID))
                pending.removeAll { answered.contains($0) }
            default:
                break
            }
        }
        return pending
    }
}
