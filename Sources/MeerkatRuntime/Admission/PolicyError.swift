/// A (kind, lane hint, continuation kind) combination the policy table does not cover (RUNTIME.md §4.2 notes).
public enum PolicyError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind admits no lane hint (operations, peer progress responses).
    case laneNotAllowed(kind: InputKind, lane: InputLane)
    /// A continuation kind was given for an input that is not a continuation.
    case continuationKindNotApplicable(kind: InputKind, continuationKind: ContinuationKind)

    public var description: String {
        switch self {
        case .laneNotAllowed(let kind, let lane):
            "policy_uncovered: no policy row for \(kind.rawValue) with lane hint \(lane.rawValue)"
        case .continuationKindNotApplicable(let kind, let continuationKind):
            "policy_uncovered: continuation_kind \(continuationKind.rawValue) given for non-continuation "
                + "kind \(kind.rawValue)"
        }
    }
}
