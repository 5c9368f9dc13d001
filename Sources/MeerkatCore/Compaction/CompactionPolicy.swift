import Foundation

/// When and how an agent compacts its context (AGENT.md §1.8, config `[compaction]`).
public struct CompactionPolicy: Sendable, Hashable {
    /// The model's context window in tokens (from the catalog or the self-hosted entry); nil = unknown.
    public var contextWindow: Int?
    /// Input tokens at which a compaction starts; nil = 80 % of `contextWindow`.
    public var autoCompactThreshold: Int?
    /// The provider's request byte cap; a request over 4/5 of it triggers a compaction. nil = none.
    public var maxRequestBytes: Int?
    /// Complete exchanges kept verbatim after the summary.
    public var recentTurnBudget: Int = 4
    /// Output limit of the summary call; a longer summary is cut to it.
    public var maxSummaryTokens: Int = 4096
    /// LLM calls between threshold-triggered compactions (a cost guard; never blocks a request that cannot fit).
    public var minTurnsBetweenCompactions: Int = 3

    public init(
        contextWindow: Int? = nil, autoCompactThreshold: Int? = nil, maxRequestBytes: Int? = nil,
        recentTurnBudget: Int = 4, maxSummaryTokens: Int = 4096, minTurnsBetweenCompactions: Int = 3
    ) {
        self.contextWindow = contextWindow
        self.autoCompactThreshold = autoCompactThreshold
        self.maxRequestBytes = maxRequestBytes
        self.recentTurnBudget = recentTurnBudget
        self.maxSummaryTokens = maxSummaryTokens
        self.minTurnsBetweenCompactions = minTurnsBetweenCompactions
    }

    /// Input tokens at which a compaction starts, or nil when neither a threshold nor a window is known.
    public var thresholdTokens: Int? {
        if let autoCompactThreshold { return autoCompactThreshold }
        return contextWindow.map { $0 * 4 / 5 }
    }

    /// Request bytes at which a compaction starts (4/5 of the cap).
    public var thresholdBytes: Int? { maxRequestBytes.map { $0 * 4 / 5 } }
}
