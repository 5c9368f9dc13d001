/// Knobs that make a scripted stream realistic or hostile (PROVIDERS.md §7 items 6–16, 19, 21).
///
/// "Events" below are the SSE events the dialect renders for the turn (terminal event included, `[DONE]` counted
/// for Chat Completions), before keep-alives and unknown events are added.
public struct MockStreamOptions: Sendable {
    /// How the body bytes are cut into writes.
    public enum Chunking: Sendable, Hashable {
        /// One write per event.
        case perEvent
        /// The whole body in one write.
        case coalesced
        /// Writes of exactly `n` bytes (1 = one byte per write).
        case fixed(Int)
        /// Writes of seeded random length in `1...maxChunk`, so failures replay.
        case random(seed: UInt64, maxChunk: Int)
    }

    /// Line terminator of the SSE framing.
    public enum LineEnding: String, Sendable, Hashable {
        case lf = "\n"
        case crlf = "\r\n"
        case cr = "\r"
    }

    /// How the stream stops early after `afterEvents` events.
    public enum Cut: Sendable, Hashable {
        /// End the body cleanly (chunked terminator sent) before the terminal event.
        case cleanEOF(afterEvents: Int)
        /// Close the connection without finishing the chunked body.
        case abruptClose(afterEvents: Int)
        /// Send half of the next event, then close abruptly.
        case midEvent(afterEvents: Int)
        /// Abort with a TCP reset.
        case reset(afterEvents: Int)
        /// Send nothing more and keep the connection open until the client goes away.
        case stall(afterEvents: Int)
        /// Send only `: ping` comments, one per `every`, until the client goes away.
        case keepAlivesOnly(afterEvents: Int, every: Duration)
    }

    /// Which in-band error payload to send.
    public enum InBandErrorStyle: Sendable, Hashable {
        /// The dialect's own: Anthropic `event: error`, Chat `{"error":{...}}`, Responses `response.failed`,
        /// Gemini `{"error":{...}}`.
        case standard
        /// Responses bare `error` event.
        case bareError
        /// vLLM's older `{"object":"error",...}` payload (Chat).
        case vllmObject
        /// llama.cpp's non-standard `error: {...}` SSE line (Chat).
        case llamaCppField
    }

    /// An in-band error that replaces the rest of the stream.
    public struct InBandError: Sendable, Hashable {
        /// Events sent before the error.
        public var afterEvents: Int
        /// Which payload.
        public var style: InBandErrorStyle

        /// Creates an in-band error plan.
        public init(afterEvents: Int, style: InBandErrorStyle = .standard) {
            self.afterEvents = afterEvents
            self.style = style
        }
    }

    /// Where Chat Completions puts usage.
    public enum ChatUsagePlacement: Sendable, Hashable {
        /// A `choices: []` chunk after the finish chunk (OpenAI with `include_usage`, vLLM).
        case separateChunk
        /// Inside the finish chunk (some self-hosted servers).
        case finishChunk
        /// Cumulative usage on every chunk (vLLM `continuous_usage_stats`).
        case everyChunk
        /// No usage at all.
        case none
    }

    /// How Chat Completions streams tool calls.
    public enum ChatToolCallStyle: Sendable, Hashable {
        /// OpenAI: first fragment has id/name and `""`, then argument fragments, one call after another.
        case fragments
        /// Fragments of all calls interleaved by index.
        case interleaved
        /// Ollama: each call whole in one delta.
        case wholePerDelta
        /// llama.cpp: the first fragment already carries argument text, ids without `call_` prefix.
        case argumentsInFirstFragment
    }

    /// How the body is cut into writes.
    public var chunking: Chunking = .perEvent
    /// nil = the dialect's usual (CRLF for Gemini, LF otherwise).
    public var lineEnding: LineEnding?
    /// `: ping`, bare `:` and a long comment before the first event and between events.
    public var keepAlives = false
    /// JSON payloads spread over several `data:` lines.
    public var multiLineData = false
    /// `data:{...}` instead of `data: {...}`.
    public var omitSpaceAfterColon = false
    /// A UTF-8 byte-order mark before the first byte.
    public var byteOrderMark = false
    /// Unknown event types, unknown field names and `id:`/`retry:` fields interleaved.
    public var unknownEvents = false
    /// Extra junk events after the terminal event (clients must ignore them).
    public var eventsAfterTerminal = false
    /// Delay before the response head (time to first byte).
    public var headerDelay: Duration?
    /// Delay between the head and the first body byte.
    public var firstEventDelay: Duration?
    /// Delay between writes.
    public var chunkDelay: Duration?
    /// Stop early.
    public var cut: Cut?
    /// Replace the rest of the stream with an in-band error after `afterEvents` events (then end cleanly).
    public var inBandError: InBandError?
    /// Chat Completions: usage placement.
    public var chatUsage: ChatUsagePlacement = .separateChunk
    /// Chat Completions: whether `data: [DONE]` ends the stream.
    public var chatDone = true
    /// Chat Completions: whether the finish chunk carries `finish_reason` (false tests `[DONE]` without one).
    public var chatFinishReason = true
    /// Chat Completions: tool-call streaming style.
    public var chatToolCallStyle: ChatToolCallStyle = .fragments
    /// Chat Completions: drop tool-call ids (some servers omit them).
    public var chatOmitToolCallIDs = false
    /// Chat Completions: reasoning field name (`reasoning_content` for llama.cpp/vLLM, `reasoning` for Ollama).
    public var chatReasoningField = "reasoning_content"
    /// Gemini: put each function call in its own chunk.
    public var geminiSplitCallsAcrossChunks = false
    /// Gemini: end the stream without any `finishReason`.
    public var geminiOmitFinishReason = false
    /// Gemini: include `functionCall.id`.
    public var geminiCallIDs = false

    /// Default options: a well-behaved stream.
    public init() {}
}

extension MockStreamOptions {
    /// Default options changed by `configure`.
    public static func with(_ configure: (inout MockStreamOptions) -> Void) -> MockStreamOptions {
        var options = MockStreamOptions()
        configure(&options)
        return options
    }
}
