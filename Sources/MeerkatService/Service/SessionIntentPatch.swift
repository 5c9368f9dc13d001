public import MeerkatCore

/// Changes to a stored session's intent: each field present replaces the intent's value; absent fields keep it.
/// Labels merge (a present key replaces that label).
public struct SessionIntentPatch: Sendable, Hashable {
    /// Another model; the provider is re-derived from it (another provider's client is built when it differs).
    public var model: String?
    /// An OpenAI-compatible server serving `model` (with `model`, or for the session's current model).
    public var baseURL: String?
    public var outputSchema: JSONValue?
    public var maxTokens: Int?
    public var maxToolCalls: Int?
    public var maxDuration: String?
    public var tools: ToolPreset?
    public var allowTools: [String]?
    public var blockTools: [String]?
    public var labels: [String: String]

    public init(
        model: String? = nil, baseURL: String? = nil, outputSchema: JSONValue? = nil, maxTokens: Int? = nil,
        maxToolCalls: Int? = nil, maxDuration: String? = nil, tools: ToolPreset? = nil, allowTools: [String]? = nil,
        blockTools: [String]? = nil, labels: [String: String] = [:]
    ) {
        self.model = model
        self.baseURL = baseURL
        self.outputSchema = outputSchema
        self.maxTokens = maxTokens
        self.maxToolCalls = maxToolCalls
        self.maxDuration = maxDuration
        self.tools = tools
        self.allowTools = allowTools
        self.blockTools = blockTools
        self.labels = labels
    }

    /// Whether the patch changes nothing.
    public var isEmpty: Bool { self == SessionIntentPatch() }

    /// Applies the patch.
    public func apply(to intent: inout SessionIntent) {
        if let model {
            // Another model may need another provider's client: the agent is rebuilt for it.
            intent.model = model
            intent.provider = nil
        }
        if let outputSchema { intent.outputSchema = outputSchema }
        if let maxTokens { intent.maxTokens = maxTokens }
        if let maxToolCalls { intent.maxToolCalls = maxToolCalls }
        if let maxDuration { intent.maxDuration = maxDuration }
        if let tools { intent.tools = tools }
        if let allowTools { intent.allowTools = allowTools }
        if let blockTools { intent.blockTools = blockTools }
        intent.labels.merge(labels) { _, new in new }
        if let baseURL { intent.baseURL = baseURL }
    }
}
