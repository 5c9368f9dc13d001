/// An operator-configured model on an OpenAI-compatible server (`[self_hosted.models.<alias>]`).
public struct SelfHostedModel: Sendable, Hashable {
    /// Which OpenAI-style API the server speaks.
    public enum APIStyle: String, Sendable, Hashable, Codable {
        /// `POST {base}/chat/completions` (recommended: every server has it).
        case chatCompletions = "chat_completions"
        /// `POST {base}/responses`.
        case responses
    }

    /// The catalog id users name.
    public var alias: String
    /// The model name the server knows.
    public var remoteModel: String
    /// The server, e.g. `http://localhost:11434/v1`.
    public var baseURL: String
    /// The API the server speaks.
    public var apiStyle: APIStyle
    /// Environment variable holding the key; nil = no auth.
    public var apiKeyVariable: String?
    /// Context window (capabilities are declared; self-hosted models are not guessed from their names).
    public var contextWindow: Int
    /// Largest output.
    public var maxOutputTokens: Int
    /// Whether `temperature` may be sent.
    public var supportsTemperature: Bool
    /// Whether the model reasons (streams reasoning text).
    public var supportsReasoning: Bool
    /// Image input.
    public var vision: Bool
    /// Images inside tool results.
    public var imageToolResults: Bool
    /// Longest a single call may take.
    public var callTimeout: Duration

    /// Creates a self-hosted model description.
    public init(
        alias: String, remoteModel: String? = nil, baseURL: String, apiStyle: APIStyle = .chatCompletions,
        apiKeyVariable: String? = nil, contextWindow: Int = 32_768, maxOutputTokens: Int = 8_192,
        supportsTemperature: Bool = true, supportsReasoning: Bool = false, vision: Bool = false,
        imageToolResults: Bool = false, callTimeout: Duration = .seconds(900)
    ) {
        self.alias = alias
        self.remoteModel = remoteModel ?? alias
        self.baseURL = baseURL
        self.apiStyle = apiStyle
        self.apiKeyVariable = apiKeyVariable
        self.contextWindow = contextWindow
        self.maxOutputTokens = maxOutputTokens
        self.supportsTemperature = supportsTemperature
        self.supportsReasoning = supportsReasoning
        self.vision = vision
        self.imageToolResults = imageToolResults
        self.callTimeout = callTimeout
    }

    /// The catalog entry for this model.
    public var entry: CatalogEntry {
        CatalogEntry(
            id: alias, tier: .configured,
            profile: ModelProfile(
                provider: .selfHosted, family: "self_hosted", contextWindow: contextWindow,
                maxOutputTokens: maxOutputTokens, supportsTemperature: supportsTemperature,
                supportsReasoning: supportsReasoning, vision: vision, imageToolResults: imageToolResults,
                callTimeout: callTimeout),
            wireModel: remoteModel, selfHosted: self)
    }
}
