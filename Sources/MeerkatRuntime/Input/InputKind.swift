/// The closed set of input kinds admission reasons about (RUNTIME.md §1); stable snake_case strings.
public enum InputKind: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    case prompt
    case peerMessage = "peer_message"
    case peerRequest = "peer_request"
    case peerResponseProgress = "peer_response_progress"
    case peerResponseTerminal = "peer_response_terminal"
    case flowStep = "flow_step"
    case externalEvent = "external_event"
    case continuation
    case operation

    public var description: String { rawValue }

    /// True for the four peer kinds.
    public var isPeer: Bool {
        switch self {
        case .peerMessage, .peerRequest, .peerResponseProgress, .peerResponseTerminal: true
        case .prompt, .flowStep, .externalEvent, .continuation, .operation: false
        }
    }

    /// Kinds for which `derived` durability is forbidden even from flow/system origins (RUNTIME.md §2.4 rule 3).
    public var forbidsDerivedDurability: Bool {
        switch self {
        case .prompt, .peerMessage, .peerRequest, .peerResponseTerminal, .flowStep: true
        case .peerResponseProgress, .externalEvent, .continuation, .operation: false
        }
    }
}
