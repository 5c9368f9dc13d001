/// Caller-chosen deduplication key (RUNTIME.md §2.6): a second input with a bound key is `deduplicated`.
public struct IdempotencyKey: RawRepresentable, Hashable, Sendable, Codable, ExpressibleByStringLiteral,
    CustomStringConvertible
{
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    /// Wraps a key.
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }
    public var description: String { rawValue }

    /// The key the runtime uses for a peer terminal response, so a duplicate delivery dedups (RUNTIME.md §2.6).
    public static func peerResponseTerminal(peerID: String, requestID: String) -> IdempotencyKey {
        IdempotencyKey("peer_response_terminal:\(peerID):\(requestID)")
    }
}
