/// One scripted model answer, rendered by the mock in whatever dialect the request used.
public struct MockTurn: Sendable, Hashable {
    /// An ordered piece of the answer.
    public enum Item: Sendable, Hashable {
        /// Visible text.
        case text(String)
        /// Thinking. `signature` is the continuity token: Anthropic `signature`, Responses `encrypted_content`,
        /// Gemini `thoughtSignature`. Chat Completions streams the text as `reasoning_content`.
        case reasoning(String, signature: String? = nil)
        /// A function call with its JSON arguments text. `signature` is a Gemini `thoughtSignature` on the part.
        case toolCall(id: String, name: String, arguments: String, signature: String? = nil)
    }

    /// How the turn ends.
    public enum Stop: Sendable, Hashable {
        case endTurn, toolUse, maxTokens, stopSequence, contentFilter
    }

    /// Token counts to report (mapped to each dialect's fields).
    public struct Usage: Sendable, Hashable {
        /// Uncached input tokens.
        public var input: Int
        /// Output tokens (reasoning included).
        public var output: Int
        /// Input tokens read from the cache.
        public var cacheRead: Int
        /// Input tokens written to the cache (Anthropic only).
        public var cacheWrite: Int
        /// Reasoning tokens (part of `output`).
        public var reasoning: Int

        /// Creates usage.
        public init(input: Int = 10, output: Int = 5, cacheRead: Int = 0, cacheWrite: Int = 0, reasoning: Int = 0) {
            self.input = input
            self.output = output
            self.cacheRead = cacheRead
            self.cacheWrite = cacheWrite
            self.reasoning = reasoning
        }
    }

    /// The answer in order.
    public var items: [Item]
    /// Explicit stop; nil = tool use when the turn has calls, else end of turn.
    public var stop: Stop?
    /// Reported token counts.
    public var usage: Usage

    /// Creates a turn.
    public init(_ items: [Item], stop: Stop? = nil, usage: Usage = Usage()) {
        self.items = items
        self.stop = stop
        self.usage = usage
    }

    /// A plain text answer.
    public static func text(_ text: String, usage: Usage = Usage()) -> MockTurn {
        MockTurn([.text(text)], usage: usage)
    }

    /// The stop that applies.
    public var effectiveStop: Stop {
        stop ?? (toolCalls.isEmpty ? .endTurn : .toolUse)
    }

    /// The turn's tool calls in order.
    public var toolCalls: [(id: String, name: String, arguments: String, signature: String?)] {
        items.compactMap {
            if case .toolCall(let id, let name, let arguments, let signature) = $0 {
                (id, name, arguments, signature)
            } else {
                nil
            }
        }
    }
}
