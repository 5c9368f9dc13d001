/// What a peer terminal response does when it runs (RUNTIME.md §4.1).
public enum PeerResponseTerminalApplyIntent: String, Sendable, Hashable, Codable, CaseIterable {
    /// Append the durable notice and run a reaction turn.
    case appendContentAndRun = "append_content_and_run"
}
