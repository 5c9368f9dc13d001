/// The policy decision recorded with an input (RUNTIME.md §5.4 `policy: {version, decision}`).
public struct PolicySnapshot: Sendable, Hashable, Codable {
    /// The policy version the decision was made under.
    public var version: UInt64
    /// The decision.
    public var decision: PolicyDecision

    public init(version: UInt64, decision: PolicyDecision) {
        self.version = version
        self.decision = decision
    }

    /// A snapshot of a decision under its own version.
    public init(_ decision: PolicyDecision) {
        self.init(version: decision.policyVersion, decision: decision)
    }
}
