import MeerkatCore

/// Who produced an input (RUNTIME.md §2.1); JSON tag `type`.
public enum InputOrigin: Sendable, Hashable, Codable {
    /// A human operator or external API caller.
    case `operator`
    /// A peer agent (comms).
    case peer(peerID: String, displayIdentity: String? = nil, runtimeID: LogicalRuntimeID? = nil)
    /// A flow engine step.
    case flow(flowID: String, stepIndex: Int)
    /// The runtime or host itself (continuations, projections).
    case system
    /// An external event source (webhook, scheduler, ...).
    case external(sourceName: String)

    private enum CodingKeys: String, CodingKey {
        case type, peerID = "peer_id", displayIdentity = "display_identity", runtimeID = "runtime_id"
        case flowID = "flow_id", stepIndex = "step_index", sourceName = "source_name"
    }

    /// The wire tag of this origin.
    public var tag: String {
        switch self {
        case .operator: "operator"
        case .peer: "peer"
        case .flow: "flow"
        case .system: "system"
        case .external: "external"
        }
    }

    /// True for origins outside the runtime's trust boundary (operator, peer, external); they may not
    /// submit `derived` inputs (RUNTIME.md §2.4 rule 2).
    public var isExternalIngress: Bool {
        switch self {
        case .operator, .peer, .external: true
        case .flow, .system: false
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(String.self, forKey: .type) {
        case "operator": self = .operator
        case "peer":
            self = .peer(
                peerID: try container.decode(String.self, forKey: .peerID),
                displayIdentity: try container.decodeIfPresent(String.self, forKey: .displayIdentity),
                runtimeID: try container.decodeIfPresent(LogicalRuntimeID.self, forKey: .runtimeID))
        case "flow":
            self = .flow(
                flowID: try container.decode(String.self, forKey: .flowID),
                stepIndex: try container.decode(Int.self, forKey: .stepIndex))
        case "system": self = .system
        case "external": self = .external(sourceName: try container.decode(String.self, forKey: .sourceName))
        case let other:
            throw TaggedCoding.unknownTag(
                other, key: "type", expected: ["operator", "peer", "flow", "system", "external"], in: decoder)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(tag, forKey: .type)
        switch self {
        case .operator, .system: break
        case .peer(let peerID, let displayIdentity, let runtimeID):
            try container.encode(peerID, forKey: .peerID)
            try container.encodeIfPresent(displayIdentity, forKey: .displayIdentity)
            try container.encodeIfPresent(runtimeID, forKey: .runtimeID)
        case .flow(let flowID, let stepIndex):
            try container.encode(flowID, forKey: .flowID)
            try container.encode(stepIndex, forKey: .stepIndex)
        case .external(let sourceName):
            try container.encode(sourceName, forKey: .sourceName)
        }
    }
}
