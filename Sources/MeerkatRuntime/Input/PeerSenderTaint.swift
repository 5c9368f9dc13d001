/// Whether a peer message's sender is trusted (RUNTIME.md §2.2).
///
/// Tri-state through optionality: an absent taint means "not assessed", which is not the same as `clean`.
public enum PeerSenderTaint: String, Sendable, Hashable, Codable, CaseIterable {
    case clean, tainted
}
