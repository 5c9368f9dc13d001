/// The image-generation endpoints the mock provider serves beside the chat dialects.
public enum MockImageEndpoint: String, Sendable, Hashable, CaseIterable {
    /// `POST /v1/images/generations` (OpenAI Images API).
    case openAIImages = "openai_images"
    /// `POST /v1beta/models/{model}:generateContent` (Gemini, non-streaming; image models).
    case geminiGenerateContent = "gemini_generate_content"

    /// The endpoint serving `path` (query already removed), and the model named in the path for Gemini.
    static func route(path: String) -> (endpoint: MockImageEndpoint, pathModel: String?)? {
        if path == "/v1/images/generations" || path == "/images/generations" { return (.openAIImages, nil) }
        let prefix = "/v1beta/models/"
        let suffix = ":generateContent"
        guard path.hasPrefix(prefix), path.hasSuffix(suffix) else { return nil }
        let model = path.dropFirst(prefix.count).dropLast(suffix.count)
        return model.isEmpty ? nil : (.geminiGenerateContent, String(model))
    }
}
