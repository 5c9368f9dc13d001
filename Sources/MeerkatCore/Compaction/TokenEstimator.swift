import Foundation

/// Estimates the input tokens of a request from its size in bytes (AGENT.md §1.8): a per-provider starting ratio of
/// bytes per token, corrected by every response's reported input tokens, so that the threshold works before the
/// first response of a resumed session and tracks the model's real tokenizer after it.
public struct TokenEstimator: Sendable, Hashable {
    /// Current bytes-per-token ratio.
    public private(set) var bytesPerToken: Double
    /// Observations folded in so far.
    public private(set) var observations = 0

    /// Bounds of the ratio: a broken usage report cannot make the estimate absurd.
    public static let ratioBounds: ClosedRange<Double> = 1.5...8.0

    /// Starts from the provider's typical ratio of canonical request bytes to tokens.
    public init(provider: String) {
        self.bytesPerToken = Self.defaultBytesPerToken(provider: provider)
    }

    /// Starts from an explicit ratio.
    public init(bytesPerToken: Double) {
        self.bytesPerToken = min(max(bytesPerToken, Self.ratioBounds.lowerBound), Self.ratioBounds.upperBound)
    }

    /// Typical bytes per token of a provider's requests (JSON-heavy transcripts tokenise denser than prose).
    public static func defaultBytesPerToken(provider: String) -> Double {
        switch provider {
        case "anthropic": 3.5
        case "gemini": 4.0
        case "openai", "self_hosted": 3.8
        default: 4.0
        }
    }

    /// Estimated tokens of `bytes` bytes (rounded up).
    public func tokens(bytes: Int) -> Int {
        Int((Double(max(0, bytes)) / bytesPerToken).rounded(.up))
    }

    /// Estimated bytes of `tokens` tokens.
    public func bytes(tokens: Int) -> Int {
        Int(Double(max(0, tokens)) * bytesPerToken)
    }

    /// Folds in a response's reported input tokens for a request of `requestBytes` bytes. The first report replaces
    /// the provider default; later ones move the ratio half-way (recent requests describe the transcript best).
    public mutating func observe(requestBytes: Int, reportedInputTokens: Int) {
        guard requestBytes > 0, reportedInputTokens > 0 else { return }
        let measured = Double(requestBytes) / Double(reportedInputTokens)
        let next = observations == 0 ? measured : (bytesPerToken + measured) / 2
        bytesPerToken = min(max(next, Self.ratioBounds.lowerBound), Self.ratioBounds.upperBound)
        observations += 1
    }
}

extension LLMRequest {
    /// Size of the request's canonical JSON (messages, tools, output reserve excluded): the basis of token estimates.
    public var canonicalBytes: Int {
        var total = canonicalFrameBytes
        for message in messages { total += CanonicalSizes.size(of: message) }
        for tool in tools { total += CanonicalSizes.size(of: tool) }
        return total
    }

    /// The part of `canonicalBytes` that is neither a message nor a tool.
    fileprivate var canonicalFrameBytes: Int {
        var total = 64 + model.utf8.count
        if let providerParams { total += ((try? WireJSON.encodeBytes(providerParams))?.count ?? 0) }
        return total
    }
}

/// `LLMRequest.canonicalBytes` with each message's and tool's encoded size remembered from the previous request.
///
/// An agent estimates every request (the compaction trigger) and folds every response's usage in against the
/// request's size; both used to encode the whole transcript with `JSONEncoder`, a cost per call that grew with the
/// history. A transcript grows by appending, so the previous request's messages are a prefix of the next one's:
/// those keep their sizes after an equality check (cheap: the values share their storage), and only new or changed
/// messages are encoded. The result always equals `canonicalBytes`.
struct CanonicalSizes {
    private var messages: [Message] = []
    private var messageSizes: [Int] = []
    private var tools: [ToolDefinition] = []
    private var toolBytes = 0

    static func size(of value: some Encodable) -> Int {
        ((try? WireJSON.encodeBytes(value))?.count ?? 0) + 1
    }

    /// `request.canonicalBytes`, reusing the sizes of the messages and tools it shares with the previous call.
    mutating func bytes(of request: LLMRequest) -> Int {
        let kept = messages.sharedPrefixCount(with: request.messages)
        if kept < messages.count {
            messages.removeSubrange(kept...)
            messageSizes.removeSubrange(kept...)
        }
        for message in request.messages[kept...] {
            messages.append(message)
            messageSizes.append(Self.size(of: message))
        }
        if tools != request.tools {
            tools = request.tools
            toolBytes = tools.reduce(0) { $0 + Self.size(of: $1) }
        }
        return request.canonicalFrameBytes + messageSizes.reduce(0, +) + toolBytes
    }
}
