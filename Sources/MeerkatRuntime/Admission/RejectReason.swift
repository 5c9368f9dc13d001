import MeerkatCore

/// Why admission refused an input (RUNTIME.md §3.2); JSON tag `reject_type`, payload fields inline.
///
/// The description names the rule (`durability_violation: ...`), so surfaces can render it as the
/// `ValidationFailed` reason unchanged.
public enum RejectReason: Sendable, Hashable, Codable, Error, CustomStringConvertible {
    /// The runtime is not in a state that accepts input (defined; drivers return an error instead).
    case notReady(state: RuntimeState)
    /// The input's durability is not allowed for its origin or kind (RUNTIME.md §2.4 rules 1–3).
    case durabilityViolation(detail: String)
    /// The peer input's handling mode is not allowed (RUNTIME.md §2.4 rule 4).
    case peerHandlingModeInvalid(detail: String)
    /// The peer terminal response is structurally invalid or not admissible (RUNTIME.md §2.4 rule 5).
    case peerResponseTerminalInvalid(detail: String)

    private enum CodingKeys: String, CodingKey { case rejectType = "reject_type", state, detail }

    /// The wire tag, which is also the rule's name.
    public var rejectType: String {
        switch self {
        case .notReady: "not_ready"
        case .durabilityViolation: "durability_violation"
        case .peerHandlingModeInvalid: "peer_handling_mode_invalid"
        case .peerResponseTerminalInvalid: "peer_response_terminal_invalid"
        }
    }

    /// The explanation without the rule name.
    public var detail: String {
        switch self {
        case .notReady(let state): "runtime is \(state.rawValue) and does not accept input"
        case .durabilityViolation(let detail), .peerHandlingModeInvalid(let detail),
            .peerResponseTerminalInvalid(let detail):
            detail
        }
    }

    public var description: String { "\(rejectType): \(detail)" }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(String.self, forKey: .rejectType) {
        case "not_ready": self = .notReady(state: try container.decode(RuntimeState.self, forKey: .state))
        case "durability_violation":
            self = .durabilityViolation(detail: try container.decode(String.self, forKey: .detail))
        case "peer_handling_mode_invalid":
            self = .peerHandlingModeInvalid(detail: try container.decode(String.self, forKey: .detail))
        case "peer_response_terminal_invalid":
            self = .peerResponseTerminalInvalid(detail: try container.decode(String.self, forKey: .detail))
        case let other:
            throw TaggedCoding.unknownTag(
                other, key: "reject_type",
                expected: [
                    "not_ready", "durability_violation", "peer_handling_mode_invalid", "peer_response_terminal_invalid",
                ], in: decoder)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(rejectType, forKey: .rejectType)
        switch self {
        case .notReady(let state): try container.encode(state, forKey: .state)
        case .durabilityViolation(let detail), .peerHandlingModeInvalid(let detail),
            .peerResponseTerminalInvalid(let detail):
            try container.encode(detail, forKey: .detail)
        }
    }
}
