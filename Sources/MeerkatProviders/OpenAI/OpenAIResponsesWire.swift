/// The parts of Responses stream events the decoder reads (unknown fields are ignored; PROVIDERS.md §3.2).
struct OpenAIResponsesWireEvent: Decodable {
    struct Summary: Decodable {
        var text: String?
    }

    struct Item: Decodable {
        var id: String?
        var type: String?
        var callID: String?
        var name: String?
        var arguments: String?
        var summary: [Summary]?
        var encryptedContent: String?

        enum CodingKeys: String, CodingKey {
            case id, type, name, arguments, summary
            case callID = "call_id", encryptedContent = "encrypted_content"
        }
    }

    struct Usage: Decodable {
        struct InputDetails: Decodable {
            var cachedTokens: Int?
            enum CodingKeys: String, CodingKey { case cachedTokens = "cached_tokens" }
        }

        var inputTokens: Int?
        var outputTokens: Int?
        var inputTokensDetails: InputDetails?

        enum CodingKeys: String, CodingKey {
            case inputTokens = "input_tokens", outputTokens = "output_tokens"
            case inputTokensDetails = "input_tokens_details"
        }
    }

    struct Response: Decodable {
        struct IncompleteDetails: Decodable {
            var reason: String?
        }

        var status: String?
        var usage: Usage?
        var incompleteDetails: IncompleteDetails?

        enum CodingKeys: String, CodingKey {
            case status, usage
            case incompleteDetails = "incomplete_details"
        }
    }

    var type: String?
    var delta: String?
    var itemID: String?
    var item: Item?
    var arguments: String?
    var response: Response?

    enum CodingKeys: String, CodingKey {
        case type, delta, item, arguments, response
        case itemID = "item_id"
    }
}
