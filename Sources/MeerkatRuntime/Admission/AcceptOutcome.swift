public import MeerkatCore

/// The result of admitting one input (RUNTIME.md §3.2); JSON tag `outcome_type`, payload fields inline.
public enum AcceptOutcome: Sendable, Hashable, Codable {
    /// Validation passed and no idempotency key matched; `seed.phase` is `queued`, or `consumed` for operations.
    case accepted(inputID: InputID, policy: PolicyDecision, state: InputState, seed: InputStateSeed)
    /// The idempotency key is already bound; nothing was stored for the new id.
    case deduplicated(inputID: InputID, existingID: InputID, existingSeed: InputStateSeed?)
    /// Validation failed.
    case rejected(reason: RejectReason)

    private enum CodingKeys: String, CodingKey {
        case outcomeType = "outcome_type", inputID = "input_id", policy, state, seed, existingID = "existing_id"
        case existingSeed = "existing_seed", reason
    }

    /// The wire tag of this outcome.
    public var outcomeType: String {
        switch self {
        case .accepted: "accepted"
        case .deduplicated: "deduplicated"
        case .rejected: "rejected"
        }
    }

    /// The submitted input's id (nil for rejections, which carry none).
    public var inputID: InputID? {
        switch self {
        case .accepted(let inputID, _, _, _), .deduplicated(let inputID, _, _): inputID
        case .rejected: nil
        }
    }

    /// The id whose lifecycle answers for this submission: the new input, or the existing one on dedup.
    public var effectiveInputID: InputID? {
        switch self {
        case .accepted(let inputID, _, _, _): inputID
        case .deduplicated(_, let existingID, _): existingID
        case .rejected: nil
        }
    }

    /// True for `accepted`.
    public var isAccepted: Bool { if case .accepted = self { true } else { false } }
    /// True for `deduplicated`.
    public var isDeduplicated: Bool { if case .deduplicated = self { true } else { false } }
    /// True for `rejected`.
    public var isRejected: Bool { if case .rejected = self { true } else { false } }

    /// The rejection reason, if rejected.
    public var rejectReason: RejectReason? { if case .rejected(let reason) = self { reason } else { nil } }

    /// Whether a completion handle is due (RUNTIME.md §3.3): the answering input is known and non-terminal.
    /// A deduplication whose existing seed is unknown is treated as non-terminal.
    public var expectsCompletion: Bool {
        switch self {
        case .accepted(_, _, _, let seed): !seed.phase.isTerminal
        case .deduplicated(_, _, let existingSeed): !(existingSeed?.phase.isTerminal ?? false)
        case .rejected: false
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(String.self, forKey: .outcomeType) {
        case "accepted":
            self = .accepted(
                inputID: try container.decode(InputID.self, forKey: .inputID),
                policy: try container.decode(PolicyDecision.self, forKey: .policy),
                state: try container.decode(InputState.self, forKey: .state),
                seed: try container.decode(InputStateSeed.self, forKey: .seed))
        case "deduplicated":
            self = .deduplicated(
                inputID: try container.decode(InputID.self, forKey: .inputID),
                existingID: try container.decode(InputID.self, forKey: .existingID),
                existingSeed: try container.decodeIfPresent(InputStateSeed.self, forKey: .existingSeed))
        case "rejected":
            self = .rejected(reason: try container.decode(RejectReason.self, forKey: .reason))
        case let other:
            throw TaggedCoding.unknownTag(
                other, key: "outcome_type", expected: ["accepted", "deduplicated", "rejected"], in: decoder)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(outcomeType, forKey: .outcomeType)
        switch self {
        case .accepted(let inputID, let policy, let state, let seed):
            try container.encode(inputID, forKey: .inputID)
            try container.encode(policy, forKey: .policy)
            try container.encode(state, forKey: .state)
            try container.encode(seed, forKey: .seed)
        case .deduplicated(let inputID, let existingID, let existingSeed):
            try container.encode(inputID, forKey: .inputID)
            try container.encode(existingID, forKey: .existingID)
            try container.encodeIfPresent(existingSeed, forKey: .existingSeed)
        case .rejected(let reason):
            try container.encode(reason, forKey: .reason)
        }
    }
}
