import MeerkatCore

/// The parts of a streamed `GenerateContentResponse` the decoder reads (PROVIDERS.md §4.3–§4.6).
struct GeminiWireChunk: Decodable {
    struct FunctionCall: Decodable {
        var name: String?
        var args: JSONValue?
        var id: String?
    }

    struct Part: Decodable {
        var text: String?
        var thought: Bool?
        var thoughtSignature: String?
        var functionCall: FunctionCall?
    }

    struct Content: Decodable {
        var parts: [Part]?
    }

    struct Candidate: Decodable {
        var content: Content?
        var finishReason: String?
    }

    struct UsageMetadata: Decodable {
        var promptTokenCount: Int?
        var candidatesTokenCount: Int?
        var cachedContentTokenCount: Int?
        var thoughtsTokenCount: Int?
    }

    struct PromptFeedback: Decodable {
        var blockReason: String?
    }

    var candidates: [Candidate]?
    var usageMetadata: UsageMetadata?
    var promptFeedback: PromptFeedback?
    var error: JSONValue?
}
