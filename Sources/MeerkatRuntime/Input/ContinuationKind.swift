/// What a continuation resumes (RUNTIME.md §2.2).
public enum ContinuationKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// Resume the session's pending boundary (`ResumePending`); the default.
    case ordinary
    /// WorkGraph attention: a fresh queued content turn.
    case workgraphAttention = "workgraph_attention"
}
