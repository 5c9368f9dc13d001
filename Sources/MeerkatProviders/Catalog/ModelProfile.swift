public import MeerkatCore

/// What a model can do; drives max tokens, whether temperature is sent, which tools are visible and which
/// inputs are accepted (AGENT.md §4.4).
public struct ModelProfile: Sendable, Hashable {
    /// The provider that serves the model.
    public var provider: ProviderKind
    /// Family name (`claude`, `gpt-5`, `gemini-3`, ...).
    public var family: String
    /// Input + output tokens the model accepts.
    public var contextWindow: Int
    /// Largest output the model produces.
    public var maxOutputTokens: Int
    /// Whether `temperature` may be sent (reasoning models reject it).
    public var supportsTemperature: Bool
    /// Extended thinking with a token budget (Anthropic, Gemini).
    public var supportsThinking: Bool
    /// Reasoning effort control (OpenAI reasoning models).
    public var supportsReasoning: Bool
    /// Image input in user content.
    public var vision: Bool
    /// Images inside tool results (gates tools such as `view_image`).
    public var imageToolResults: Bool
    /// Provider-native web search.
    public var webSearch: Bool
    /// Produces images.
    public var imageGeneration: Bool
    /// Realtime (audio/websocket) model.
    public var realtime: Bool
    /// Longest a single call may take.
    public var callTimeout: Duration

    /// Creates a profile.
    public init(
        provider: ProviderKind, family: String, contextWindow: Int, maxOutputTokens: Int,
        supportsTemperature: Bool = true, supportsThinking: Bool = false, supportsReasoning: Bool = false,
        vision: Bool = false, imageToolResults: Bool = false, webSearch: Bool = false, imageGeneration: Bool = false,
        realtime: Bool = false, callTimeout: Duration = .seconds(600)
    ) {
        self.provider = provider
        self.family = family
        self.contextWindow = contextWindow
        self.maxOutputTokens = maxOutputTokens
        self.supportsTemperature = supportsTemperature
        self.supportsThinking = supportsThinking
        self.supportsReasoning = supportsReasoning
        self.vision = vision
        self.imageToolResults = imageToolResults
        self.webSearch = webSearch
        self.imageGeneration = imageGeneration
        self.realtime = realtime
        self.callTimeout = callTimeout
    }
}
