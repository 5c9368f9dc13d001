public import MeerkatCore

/// How a derived input can be rebuilt after a crash (RUNTIME.md §5.4); JSON tag `source_type`.
public enum ReconstructionSource: Sendable, Hashable, Codable {
    /// Produced by a projection rule from a runtime event.
    case projection(ruleID: String, sourceEventID: String)
    /// Produced by coalescing other inputs.
    case coalescing(sourceInputIDs: [InputID])

    private enum CodingKeys: String, CodingKey {
        case sourceType = "source_type", ruleID = "rule_id", sourceEventID = "source_event_id"
        case sourceInputIDs = "source_input_ids"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(String.self, forKey: .sourceType) {
        case "projection":
            self = .projection(
                ruleID: try container.decode(String.self, forKey: .ruleID),
                sourceEventID: try container.decode(String.self, forKey: .sourceEventID))
        case "coalescing":
            self = .coalescing(sourceInputIDs: try container.decode([InputID].self, forKey: .sourceInputIDs))
        case let other:
            throw TaggedCoding.unknownTag(
                other, key: "source_type", expected: ["projection", "coalescing"], in: decoder)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .projection(let ruleID, let sourceEventID):
            try container.encode("projection", forKey: .sourceType)
            try container.encode(ruleID, forKey: .ruleID)
            try container.encode(sourceEventID, forKey: .sourceEventID)
        case .coalescing(let sourceInputIDs):
            try container.encode("coalescing", forKey: .sourceType)
            try container.encode(sourceInputIDs, forKey: .sourceInputIDs)
        }
    }
}
