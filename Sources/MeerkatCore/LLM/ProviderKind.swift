/// The wire families the runtime can talk to.
public enum ProviderKind: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// Anthropic Messages API.
    case anthropic
    /// OpenAI (Responses API by default).
    case openai
    /// Google Gemini (Generative Language API).
    case gemini
    /// An OpenAI-compatible self-hosted server (Ollama, llama.cpp, vLLM).
    case selfHosted = "self_hosted"

    public var description: String { rawValue }
}
