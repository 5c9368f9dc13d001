/// The parts of a `chat.completion.chunk` the decoder reads (unknown fields are ignored; PROVIDERS.md §2.3).
struct ChatCompletionsWireChunk: Decodable {
    struct Function: Decodable {
        var name: String?
        var arguments: String?
    }

    struct ToolCall: Decodable {
        var index: Int?
        var id: String?
        var function: Function?
    }

    struct Delta: Decodable {
        var content: String?
        var reasoningContent: String?
        var reasoning: String?
        var refusal: String?
        var toolCalls: [ToolCall]?

        enum CodingKeys: String, CodingKey {
            case content, reasoning, refusal
            case reasoningContent = "reasoning_content", toolCalls = "tool_calls"
        }
    }

    struct Choice: Decodable {
        var index: Int?
        var delta: Delta?
        var finishReason: String?

        enum CodingKeys: String, CodingKey {
            case index, delta
            case finishReason = "finish_reason"
        }
    }

    struct Usage: Decodable {
        struct PromptDetails: Decodable {
            var cachedTokens: Int?
            enum CodingKeys: String, CodingKey { case cachedTokens = "cached_tokens" }
        }

        var promptTokens: Int?
        var completionTokens: Int?
        var promptTokensDetails: PromptDetails?

        enum CodingKeys: String, CodingKey {
            case promptTokens = "prompt_tokens", completionTokens = "completion_tokens"
            case promptTokensDetails = "prompt_tokens_details"
        }
    }

    var choices: [Choice]?
    var usage: Usage?
}
