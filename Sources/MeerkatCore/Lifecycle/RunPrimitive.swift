import Foundation

/// How ordinary work is handled: at the next turn (`queue`) or injected into a running one (`steer`).
public enum HandlingMode: String, Sendable, Hashable, Codable, CaseIterable {
    case queue, steer
}

/// When to apply a conversation mutation relative to the run lifecycle.
public enum RunApplyBoundary: String, Sendable, Hashable, Codable, CaseIterable {
    /// Apply immediately (no run boundary required).
    case immediate
    /// Apply at the start of the next run.
    case runStart = "run_start"
    /// Apply at the next checkpoint within a run.
    case runCheckpoint = "run_checkpoint"
}

/// Renderable content that can be appended to a conversation (tag `type`).
public enum CoreRenderable: Sendable, Hashable, Codable {
    /// Plain text.
    case text(String)
    /// Multimodal content blocks.
    case blocks([ContentBlock])
    /// JSON-structured content.
    case json(JSONValue)
    /// Reference to an external artifact.
    case reference(uri: String, label: String?)

    private enum CodingKeys: String, CodingKey { case type, text, blocks, value, uri, label }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(String.self, forKey: .type) {
        case "text": self = .text(try container.decode(String.self, forKey: .text))
        case "blocks": self = .blocks(try container.decode([ContentBlock].self, forKey: .blocks))
        case "json": self = .json(try container.decode(JSONValue.self, forKey: .value))
        case "reference":
            self = .reference(
                uri: try container.decode(String.self, forKey: .uri),
                label: try container.decodeIfPresent(String.self, forKey: .label))
        case let other:
            throw TaggedCoding.unknownTag(
                other, key: "type", expected: ["text", "blocks", "json", "reference"], in: decoder)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .text(let text):
            try container.encode("text", forKey: .type)
            try container.encode(text, forKey: .text)
        case .blocks(let blocks):
            try container.encode("blocks", forKey: .type)
            try container.encode(blocks, forKey: .blocks)
        case .json(let value):
            try container.encode("json", forKey: .type)
            try container.encode(value, forKey: .value)
        case .reference(let uri, let label):
            try container.encode("reference", forKey: .type)
            try container.encode(uri, forKey: .uri)
            // serde writes `label: null` for a None option without skip attribute.
            try container.encode(label, forKey: .label)
        }
    }

    /// Content blocks a model sees for this renderable.
    public var blocks: [ContentBlock] {
        switch self {
        case .text(let text): [.text(text)]
        case .blocks(let blocks): blocks
        case .json(let value): [.text(value.compactText())]
        case .reference(let uri, let label): [.text(label.map { "\($0) <\(uri)>" } ?? uri)]
        }
    }
}

/// Which role a conversation append takes.
public enum ConversationAppendRole: String, Sendable, Hashable, Codable, CaseIterable {
    case user, assistant
    case systemNotice = "system_notice"
    case tool
    /// An ordinary ordered system message (used by the runtime for peer system prompts).
    case system
    /// Host context placed before a turn's user message.
    case injectedContext = "injected_context"
}

/// A single conversation append operation.
public struct ConversationAppend: Sendable, Hashable, Codable {
    public var role: ConversationAppendRole
    public var content: CoreRenderable

    public init(role: ConversationAppendRole, content: CoreRenderable) {
        self.role = role
        self.content = content
    }
}

/// A context-only append keyed for deduplication/replacement.
public struct ConversationContextAppend: Sendable, Hashable, Codable {
    public var key: String
    public var content: CoreRenderable

    public init(key: String, content: CoreRenderable) {
        self.key = key
        self.content = content
    }
}

/// Typed execution intent stamped by the runtime: run a content turn, or resume pending work.
public enum RuntimeExecutionKind: String, Sendable, Hashable, Codable, CaseIterable {
    case contentTurn = "content_turn"
    case resumePending = "resume_pending"
}

/// Identity of a skill (`source_uuid` + `skill_name`).
public struct SkillKey: Sendable, Hashable, Codable {
    public var sourceUUID: String
    public var skillName: String

    private enum CodingKeys: String, CodingKey { case sourceUUID = "source_uuid", skillName = "skill_name" }

    public init(sourceUUID: String, skillName: String) {
        self.sourceUUID = sourceUUID
        self.skillName = skillName
    }
}

/// A per-turn narrowing of the visible tool set.
public struct TurnToolOverlay: Sendable, Hashable, Codable {
    /// If set, only these tools are visible this turn.
    public var allowedTools: [String]?
    /// These tools are hidden this turn (deny beats allow).
    public var blockedTools: [String]?

    private enum CodingKeys: String, CodingKey { case allowedTools = "allowed_tools", blockedTools = "blocked_tools" }

    public init(allowedTools: [String]? = nil, blockedTools: [String]? = nil) {
        self.allowedTools = allowedTools
        self.blockedTools = blockedTools
    }
}

/// Normalised rendering hints for a turn's content.
public struct RenderMetadata: Sendable, Hashable, Codable {
    /// Render class (e.g. `notification`, `conversation`).
    public var renderClass: String?
    /// Salience hint (e.g. `low`, `normal`, `high`).
    public var salience: String?

    private enum CodingKeys: String, CodingKey { case renderClass = "class", salience }

    public init(renderClass: String? = nil, salience: String? = nil) {
        self.renderClass = renderClass
        self.salience = salience
    }
}

/// Per-turn semantics that must survive crash recovery. Every field is optional and omitted when nil.
public struct RuntimeTurnMetadata: Sendable, Hashable, Codable {
    /// Handling mode for staged ordinary work admitted through the runtime.
    public var handlingMode: HandlingMode?
    /// nil = session default; true/false force keep-alive on or off.
    public var keepAlive: Bool?
    public var skillReferences: [SkillKey]?
    public var flowToolOverlay: TurnToolOverlay?
    public var additionalInstructions: [String]?
    /// Override model for this turn.
    public var model: String?
    /// Override provider for this turn.
    public var provider: String?
    /// Override provider-specific parameters for this turn.
    public var providerParams: JSONValue?
    public var renderMetadata: RenderMetadata?
    /// nil = the session layer's heuristic; otherwise run a content turn or resume pending work.
    public var executionKind: RuntimeExecutionKind?

    private enum CodingKeys: String, CodingKey {
        case handlingMode = "handling_mode", keepAlive = "keep_alive", skillReferences = "skill_references"
        case flowToolOverlay = "flow_tool_overlay", additionalInstructions = "additional_instructions"
        case model, provider, providerParams = "provider_params", renderMetadata = "render_metadata"
        case executionKind = "execution_kind"
    }

    public init(
        handlingMode: HandlingMode? = nil, keepAlive: Bool? = nil, skillReferences: [SkillKey]? = nil,
        flowToolOverlay: TurnToolOverlay? = nil, additionalInstructions: [String]? = nil, model: String? = nil,
        provider: String? = nil, providerParams: JSONValue? = nil, renderMetadata: RenderMetadata? = nil,
        executionKind: RuntimeExecutionKind? = nil
    ) {
        self.handlingMode = handlingMode
        self.keepAlive = keepAlive
        self.skillReferences = skillReferences
        self.flowToolOverlay = flowToolOverlay
        self.additionalInstructions = additionalInstructions
        self.model = model
        self.provider = provider
        self.providerParams = providerParams
        self.renderMetadata = renderMetadata
        self.executionKind = executionKind
    }
}

/// An input staged for application at a run boundary.
public struct StagedRunInput: Sendable, Hashable, Codable {
    public var boundary: RunApplyBoundary
    /// Conversation mutations to apply (omitted from JSON when empty).
    public var appends: [ConversationAppend]
    /// Context-only appends (omitted from JSON when empty).
    public var contextAppends: [ConversationContextAppend]
    /// Inputs contributing to this staged input, opaque to the core (omitted when empty).
    public var contributingInputIDs: [InputID]
    /// Optional turn semantics that must survive crash recovery.
    public var turnMetadata: RuntimeTurnMetadata?

    private enum CodingKeys: String, CodingKey {
        case boundary, appends, contextAppends = "context_appends"
        case contributingInputIDs = "contributing_input_ids", turnMetadata = "turn_metadata"
    }

    public init(
        boundary: RunApplyBoundary, appends: [ConversationAppend] = [],
        contextAppends: [ConversationContextAppend] = [],
        contributingInputIDs: [InputID] = [], turnMetadata: RuntimeTurnMetadata? = nil
    ) {
        self.boundary = boundary
        self.appends = appends
        self.contextAppends = contextAppends
        self.contributingInputIDs = contributingInputIDs
        self.turnMetadata = turnMetadata
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        boundary = try container.decode(RunApplyBoundary.self, forKey: .boundary)
        appends = try container.decodeIfPresent([ConversationAppend].self, forKey: .appends) ?? []
        contextAppends = try container.decodeIfPresent([ConversationContextAppend].self, forKey: .contextAppends) ?? []
        contributingInputIDs = try container.decodeIfPresent([InputID].self, forKey: .contributingInputIDs) ?? []
        turnMetadata = try container.decodeIfPresent(RuntimeTurnMetadata.self, forKey: .turnMetadata)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(boundary, forKey: .boundary)
        if !appends.isEmpty { try container.encode(appends, forKey: .appends) }
        if !contextAppends.isEmpty { try container.encode(contextAppends, forKey: .contextAppends) }
        if !contributingInputIDs.isEmpty { try container.encode(contributingInputIDs, forKey: .contributingInputIDs) }
        try container.encodeIfPresent(turnMetadata, forKey: .turnMetadata)
    }
}

/// The only thing the core receives from the runtime (tag `primitive_type`, payload fields inline).
public enum RunPrimitive: Sendable, Hashable, Codable {
    /// Apply conversation mutations at a boundary.
    case stagedInput(StagedRunInput)
    /// Inject content immediately (no boundary required).
    case immediateAppend(ConversationAppend)
    /// Inject context immediately.
    case immediateContextAppend(ConversationContextAppend)

    public init(from decoder: any Decoder) throws {
        switch try TaggedCoding.tag(in: decoder, key: "primitive_type") {
        case "staged_input": self = .stagedInput(try StagedRunInput(from: decoder))
        case "immediate_append": self = .immediateAppend(try ConversationAppend(from: decoder))
        case "immediate_context_append": self = .immediateContextAppend(try ConversationContextAppend(from: decoder))
        case let other:
            throw TaggedCoding.unknownTag(
                other, key: "primitive_type",
                expected: ["staged_input", "immediate_append", "immediate_context_append"], in: decoder)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .stagedInput(let staged):
            try TaggedCoding.encode(tag: "staged_input", key: "primitive_type", payload: staged, to: encoder)
        case .immediateAppend(let append):
            try TaggedCoding.encode(tag: "immediate_append", key: "primitive_type", payload: append, to: encoder)
        case .immediateContextAppend(let append):
            try TaggedCoding.encode(
                tag: "immediate_context_append", key: "primitive_type", payload: append, to: encoder)
        }
    }

    /// All contributing input ids (empty for immediate primitives).
    public var contributingInputIDs: [InputID] {
        if case .stagedInput(let staged) = self { return staged.contributingInputIDs }
        return []
    }

    /// The staged turn metadata, if any.
    public var turnMetadata: RuntimeTurnMetadata? {
        if case .stagedInput(let staged) = self { return staged.turnMetadata }
        return nil
    }

    /// The canonical apply boundary (`immediate` for immediate primitives).
    public var applyBoundary: RunApplyBoundary {
        if case .stagedInput(let staged) = self { return staged.boundary }
        return .immediate
    }

    /// True for a staged input with only context appends at the immediate boundary.
    public var isContextOnlyImmediate: Bool {
        guard case .stagedInput(let staged) = self else { return false }
        return staged.appends.isEmpty && !staged.contextAppends.isEmpty && staged.boundary == .immediate
    }

    /// The content input carried by this primitive's appends, collapsed by the seed's rules: text and blocks of
    /// every append in order; none → empty text; a single text block → plain text; otherwise blocks.
    public func extractContentInput() -> ContentInput {
        switch self {
        case .stagedInput(let staged):
            var all: [ContentBlock] = []
            for append in staged.appends {
                switch append.content {
                case .text(let text): all.append(.text(text))
                case .blocks(let blocks): all.append(contentsOf: blocks)
                case .json, .reference: break
                }
            }
            if all.isEmpty { return .text("") }
            if all.count == 1, case .text(let text) = all[0] { return .text(text) }
            return .blocks(all)
        case .immediateAppend(let append):
            return Self.single(append.content)
        case .immediateContextAppend(let append):
            return Self.single(append.content)
        }
    }

    private static func single(_ content: CoreRenderable) -> ContentInput {
        switch content {
        case .text(let text): .text(text)
        case .blocks(let blocks): .blocks(blocks)
        case .json, .reference: .text("")
        }
    }
}
