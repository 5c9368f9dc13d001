/// Final status of a peer's response to a request (RUNTIME.md §2.2).
///
/// `cancelled` is part of the vocabulary but is not admissible as an input (RUNTIME.md §2.4 rule 5).
public enum PeerResponseTerminalStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case completed, failed, cancelled
}
