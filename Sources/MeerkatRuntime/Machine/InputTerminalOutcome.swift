public import MeerkatCore

/// How an input ended (RUNTIME.md §5.3); JSON tag `outcome_type`.
public enum InputTerminalOutcome: Sendable, Hashable, Codable {
    case consumed
    case superseded(supersededBy: InputID)
    case coalesced(aggregateID: InputID)
    case abandoned(reason: InputAbandonReason)

    private enum CodingKeys: String, CodingKey {
        case outcomeType = "outcome_type", supersededBy = "superseded_by", aggregateID = "aggregate_id", reason
    }

    /// The terminal phase this outcome belongs to.
    public var phase: InputLifecycleState {
        switch self {
        case .consumed: .consumed
        case .superseded: .superseded
        case .coalesced: .coalesced
        case .abandoned: .abandoned
        }
    }

    /// The abandon reason, if abandoned.
    public var abandonReason: InputAbandonReason? {
        if case .abandoned(let reason) = self { return reason }
        return nil
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(String.self, forKey: .outcomeType) {
        case "consumed": self = .consumed
        case "superseded": self = .superseded(supersededBy: try container.decode(InputID.self, forKey: .supersededBy))
        case "coalesced": self = .coalesced(aggregateID: try container.decode(InputID.self, forKey: .aggregateID))
        case "abandoned": self = .abandoned(reason: try container.decode(InputAbandonReason.self, forKey: .reason))
        case let other:
            throw TaggedCoding.unknownTag(
                other, key: "outcome_type", expected: ["consumed", "superseded", "coalesced", "abandoned"], in: decoder)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(phase.rawValue, forKey: .outcomeType)
        switch self {
        case .consumed: break
        case .superseded(let supersededBy): try container.encode(supersededBy, forKey: .supersededBy)
        case .coalesced(let aggregateID): try container.encode(aggregateID, forKey: .aggregateID)
        case .abandoned(let reason): try container.encode(reason, forKey: .reason)
        }
    }
}
