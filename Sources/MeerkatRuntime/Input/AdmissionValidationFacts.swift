public import MeerkatCore

/// The facts input-level validation reads (RUNTIME.md §2.4), separated from `Input` so that untyped shells
/// (e.g. rows without a durability observation) can be validated too.
public struct AdmissionValidationFacts: Sendable, Hashable {
    /// A peer terminal response's structural facts (RUNTIME.md §2.4 rule 5).
    public struct PeerResponseTerminal: Sendable, Hashable {
        /// The peer id from a `peer` origin; nil when the origin is not a peer.
        public var peerID: String?
        /// The peer's display identity, if the origin names one.
        public var displayName: String?
        /// The request being answered.
        public var requestID: String
        /// The response status.
        public var status: PeerResponseTerminalStatus

        public init(peerID: String?, displayName: String?, requestID: String, status: PeerResponseTerminalStatus) {
            self.peerID = peerID
            self.displayName = displayName
            self.requestID = requestID
            self.status = status
        }
    }

    /// The input's kind.
    public var kind: InputKind
    /// Who produced it.
    public var origin: InputOrigin
    /// The observed durability; nil only from untyped shells (rule 1).
    public var durability: InputDurability?
    /// The handling mode of a peer input (nil for other variants).
    public var peerHandlingMode: HandlingMode?
    /// Whether the input carries host injected context.
    public var carriesInjectedContext: Bool
    /// Structural facts of a peer terminal response (nil for other kinds).
    public var peerResponseTerminal: PeerResponseTerminal?

    public init(
        kind: InputKind, origin: InputOrigin, durability: InputDurability?, peerHandlingMode: HandlingMode? = nil,
        carriesInjectedContext: Bool = false, peerResponseTerminal: PeerResponseTerminal? = nil
    ) {
        self.kind = kind
        self.origin = origin
        self.durability = durability
        self.peerHandlingMode = peerHandlingMode
        self.carriesInjectedContext = carriesInjectedContext
        self.peerResponseTerminal = peerResponseTerminal
    }

    /// The facts of a typed input (its durability is always observed).
    public init(_ input: Input) {
        self.init(
            kind: input.kind, origin: input.header.source, durability: input.header.durability,
            carriesInjectedContext: !input.injectedContext.isEmpty)
        guard case .peer(let peer) = input else { return }
        peerHandlingMode = peer.handlingMode
        if case .responseTerminal(let requestID, let status) = peer.convention {
            var peerID: String?
            var displayName: String?
            if case .peer(let id, let name, _) = peer.header.source {
                peerID = id
                displayName = name
            }
            peerResponseTerminal = PeerResponseTerminal(
                peerID: peerID, displayName: displayName, requestID: requestID, status: status)
        }
    }
}
