/// The wire dialects the mock provider speaks, chosen by request path.
public enum MockDialect: String, Sendable, Hashable, CaseIterable {
    /// `POST /v1/messages`.
    case anthropic
    /// `POST /v1/chat/completions` (also `/chat/completions`, as llama.cpp answers without `/v1`).
    case chatCompletions = "chat_completions"
    /// `POST /v1/responses`.
    case responses
    /// `POST /v1beta/models/{model}:streamGenerateContent?alt=sse`.
    case gemini

    /// The dialect serving `path` (query already removed), and the model named in the path for Gemini.
    static func route(path: String) -> (dialect: MockDialect, pathModel: String?)? {
        switch path {
        case "/v1/messages": return (.anthropic, nil)
        case "/v1/chat/completions", "/chat/completions": return (.chatCompletions, nil)
        case "/v1/responses", "/responses": return (.responses, nil)
        default:
            let prefix = "/v1beta/models/"
            let suffix = ":streamGenerateContent"
            guard path.hasPrefix(prefix), path.hasSuffix(suffix) else { return nil }
            let model = path.dropFirst(prefix.count).dropLast(suffix.count)
            return model.isEmpty ? nil : (.gemini, String(model))
        }
    }
}
