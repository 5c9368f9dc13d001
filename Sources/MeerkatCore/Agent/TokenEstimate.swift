import Foundation

/// A rough token count for model calls whose provider reported no usage (some self-hosted servers never do), so
/// that token budgets still bind. About four characters of text per token, rounded up; images count a flat 1000.
public enum TokenEstimate {
    /// Characters per token assumed.
    public static let charactersPerToken = 4
    /// Tokens assumed per image.
    public static let tokensPerImage = 1000

    /// The estimated tokens of one call: its request (messages and tool definitions) plus its response.
    static func call(_ request: LLMRequest, response blocks: [AssistantBlock]) -> Int {
        var characters = 0
        var images = 0
        for message in request.messages {
            switch message {
            case .system(let content, _): characters += content.count
            case .systemNotice(_, let blocks, _), .user(let blocks, _, _):
                count(blocks, &characters, &images)
            case .assistant(let blocks, _, _): characters += length(blocks)
            case .toolResults(let results, _):
                for result in results { count(result.content, &characters, &images) }
            }
        }
        for tool in request.tools {
            characters += tool.name.count + tool.description.count + tool.inputSchema.compactText().count
        }
        characters += length(blocks)
        return (characters + charactersPerToken - 1) / charactersPerToken + images * tokensPerImage
    }

    private static func count(_ blocks: [ContentBlock], _ characters: inout Int, _ images: inout Int) {
        for block in blocks {
            if case .image = block { images += 1 } else { characters += block.textProjection.count }
        }
    }

    private static func length(_ blocks: [AssistantBlock]) -> Int {
        blocks.reduce(0) { total, block in
            switch block {
            case .text(let text, _), .reasoning(let text, _): total + text.count
            case .toolUse(let call): total + call.name.count + call.args.compactText().count
            }
        }
    }
}
