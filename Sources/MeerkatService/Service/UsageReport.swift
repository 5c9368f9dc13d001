public import MeerkatCore

/// Token usage as surfaces show it: counters the provider did not report are unknown (`null`, "unknown"), never 0,
/// and calls without reported usage contribute an estimate that is shown as such.
public struct UsageReport: Sendable, Hashable, Encodable {
    /// Reported uncached input tokens; nil when no call reported usage.
    public var inputTokens: Int?
    /// Reported output tokens; nil when no call reported usage.
    public var outputTokens: Int?
    public var cacheCreationTokens: Int?
    public var cacheReadTokens: Int?
    /// Estimated tokens of the calls that reported nothing (`TokenEstimate`).
    public var estimatedTokens: Int?

    private enum CodingKeys: String, CodingKey {
        case inputTokens = "input_tokens", outputTokens = "output_tokens"
        case cacheCreationTokens = "cache_creation_tokens", cacheReadTokens = "cache_read_tokens"
        case estimatedTokens = "estimated_tokens"
    }

    /// The report of `usage`.
    public init(_ usage: Usage) {
        if !usage.isUnreported {
            inputTokens = usage.inputTokens
            outputTokens = usage.outputTokens
        }
        cacheCreationTokens = usage.cacheCreationTokens
        cacheReadTokens = usage.cacheReadTokens
        estimatedTokens = usage.estimatedTokens
    }

    /// `input_tokens` and `output_tokens` are always present (`null` when unknown); the others only when known.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(inputTokens, forKey: .inputTokens)
        try container.encode(outputTokens, forKey: .outputTokens)
        try container.encodeIfPresent(cacheCreationTokens, forKey: .cacheCreationTokens)
        try container.encodeIfPresent(cacheReadTokens, forKey: .cacheReadTokens)
        try container.encodeIfPresent(estimatedTokens, forKey: .estimatedTokens)
    }

    /// One line for people: `12 in, 5 out`, `unknown (~40 estimated)` or `12 in, 5 out (+~40 estimated)`.
    public var summary: String {
        let estimate = estimatedTokens.map { "~\($0) estimated" }
        guard let inputTokens, let outputTokens else {
            return "unknown" + (estimate.map { " (\($0); the server reported none)" } ?? "")
        }
        let reported = "\(inputTokens + (cacheReadTokens ?? 0) + (cacheCreationTokens ?? 0)) in, \(outputTokens) out"
        return reported + (estimate.map { " (+\($0))" } ?? "")
    }
}
