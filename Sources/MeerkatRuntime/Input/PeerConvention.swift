import MeerkatCore

/// The comms convention a peer input follows (RUNTIME.md §2.2); JSON tag `convention_type`.
public enum PeerConvention: Sendable, Hashable, Codable {
    /// A plain peer-to-peer message (kind `peer_message`).
    case message
    /// A request expecting a response (kind `peer_request`).
    case request(requestID: String, intent: String)
    /// A progress update for an earlier request (kind `peer_response_progress`).
    case responseProgress(requestID: String, phase: PeerResponseProgressPhase)
    /// The final response to an earlier request (kind `peer_response_terminal`).
    case responseTerminal(requestID: String, status: PeerResponseTerminalStatus)

    private enum CodingKeys: String, CodingKey {
        case conventionType = "convention_type", requestID = "request_id", intent, phase, status
    }

    /// The input kind this convention maps to.
    public var inputKind: InputKind {
        switch self {
        case .message: .peerMessage
        case .request: .peerRequest
        case .responseProgress: .peerResponseProgress
        case .responseTerminal: .peerResponseTerminal
        }
    }

    /// The request id for request and response conventions.
    public var requestID: String? {
        switch self {
        case .message: nil
        case .request(let requestID, _), .responseProgress(let requestID, _), .responseTerminal(let requestID, _):
            requestID
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(String.self, forKey: .conventionType) {
        case "message": self = .message
        case "request":
            self = .request(
                requestID: try container.decode(String.self, forKey: .requestID),
                intent: try container.decode(String.self, forKey: .intent))
        case "response_progress":
            self = .responseProgress(
                requestID: try container.decode(String.self, forKey: .requestID),
                phase: try container.decode(PeerResponseProgressPhase.self, forKey: .phase))
        case "response_terminal":
            self = .responseTerminal(
                requestID: try container.decode(String.self, forKey: .requestID),
                status: try container.decode(PeerResponseTerminalStatus.self, forKey: .status))
        case let other:
            throw TaggedCoding.unknownTag(
                other, key: "convention_type",
                expected: ["message", "request", "response_progress", "response_terminal"], in: decoder)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .message:
            try container.encode("message", forKey: .conventionType)
        case .request(let requestID, let intent):
            try container.encode("request", forKey: .conventionType)
            try container.encode(requestID, forKey: .requestID)
            try container.encode(intent, forKey: .intent)
        case .responseProgress(let requestID, let phase):
            try container.encode("response_progress", forKey: .conventionType)
            try container.encode(requestID, forKey: .requestID)
            try container.encode(phase, forKey: .phase)
        case .responseTerminal(let requestID, let status):
            try container.encode("response_terminal", forKey: .conventionType)
            try container.encode(requestID, forKey: .requestID)
            try container.encode(status, forKey: .status)
        }
    }
}
