import MeerkatCore

/// An operator-configured model on an OpenAI-compatible server (`[self_hosted.models.<alias>]`).
public struct SelfHostedModel: Sendable, Hashable {
    /// Which OpenAI-style API the server speaks.
    public enum APIStyle: String, Sendable, Hashable, Codable {
        /// `POST {base}/chat/completions` (recommended: every server has it).
        case chatCompletions = "chat_completions"
        /// `POST {base}/responses`.
        case responses
    }

    /// How structured output is asked of the server (Chat Completions only). Servers differ: llama.cpp, vLLM and
    /// Ollama accept a JSON Schema, llama-cpp-python only `json_object`, some accept neither. The schema is always
    /// in the extraction prompt and the reply is always validated locally, so every mode ends in checked JSON.
    public enum StructuredOutputMode: String, Sendable, Hashable, Codable, CaseIterable {
        /// `response_format: {"type": "json_schema", ...}` (grammar-constrained on servers that support it).
        case jsonSchema = "json_schema"
        /// `response_format: {"type": "json_object"}` (valid JSON, shape from the prompt).
        case jsonObject = "json_object"
        /// No `response_format`: the schema in the prompt, local validation and bounded retries only.
        case promptOnly = "prompt_only"

        /// The next weaker mode, tried when the server refuses this one.
        public var fallback: StructuredOutputMode? {
            switch self {
            case .jsonSchema: .jsonObject
            case .jsonObject: .promptOnly
            case .promptOnly: nil
            }
        }
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
    /// The first structured-output mode tried (weaker modes follow when the server refuses it).
    public var structuredOutput: StructuredOutputMode

    /// Creates a self-hosted model description.
    public init(
        alias: String, remoteModel: String? = nil, baseURL: String, apiStyle: APIStyle = .chatCompletions,
        apiKeyVariable: String? = nil, contextWindow: Int = 32_768, maxOutputTokens: Int = 8_192,
        supportsTemperature: Bool = true, supportsReasoning: Bool = false, vision: Bool = false,
        imageToolResults: Bool = false, callTimeout: Duration = .seconds(900),
        structuredOutput: StructuredOutputMode = .jsonSchema
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
        self.structuredOutput = structuredOutput
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
