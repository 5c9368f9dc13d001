/// The parts of Anthropic stream events the decoder reads (unknown fields are ignored; PROVIDERS.md §1.3).
struct AnthropicWireEvent: Decodable {
    struct Usage: Decodable {
        var inputTokens: Int?
        var outputTokens: Int?
        var cacheCreationInputTokens: Int?
        var cacheReadInputTokens: Int?

        enum CodingKeys: String, CodingKey {
            case inputTokens = "input_tokens", outputTokens = "output_tokens"
            case cacheCreationInputTokens = "cache_creation_input_tokens"
            case cacheReadInputTokens = "cache_read_input_tokens"
        }
    }

    struct Message: Decodable {
        var usage: Usage?
    }

    struct ContentBlock: Decodable {
        var type: String?
        var id: String?
        var name: String?
        var text: String?
        var thinking: String?
        var signature: String?
        var data: String?
    }

    struct Delta: Decodable {
        var type: String?
        var text: String?
        var partialJSON: String?
        var thinking: String?
        var signature: String?
        var stopReason: String?

        enum CodingKeys: String, CodingKey {
            case type, text, thinking, signature
            case partialJSON = "partial_json", stopReason = "stop_reason"
        }
    }

    var type: String?
    var index: Int?
    var message: Message?
    var contentBlock: ContentBlock?
    var delta: Delta?
    var usage: Usage?

    enum CodingKeys: String, CodingKey {
        case type, index, message, delta, usage
        case contentBlock = "content_block"
    }
}
