public import MeerkatCore

/// Typed work submitted to a session's runtime (RUNTIME.md §2.2); JSON tag `input_type`, variant fields inline.
///
/// Every variant carries its ``InputHeader`` under the key `header` (see ``InputHeader`` for the defaults
/// applied when it or its fields are absent), so `{"input_type":"prompt","content":"hi"}` decodes to a
/// durable operator prompt with a fresh id and the current time.
///
/// `indirect`: an input is a few hundred bytes inline, and rows, steps and primitives pass it by value; boxed, a copy
/// moves one reference.
public indirect enum Input: Sendable, Hashable, Codable {
    /// An operator prompt.
    case prompt(PromptInput)
    /// Peer comms traffic (message, request, progress or terminal response).
    case peer(PeerInput)
    /// One flow step.
    case flowStep(FlowStepInput)
    /// An external event.
    case externalEvent(ExternalEventInput)
    /// A continuation of pending work.
    case continuation(ContinuationInput)
    /// An async-operation lifecycle event (consumed on accept).
    case operation(OperationInput)

    /// The wire tags of the six variants.
    public static let inputTypes = ["prompt", "peer", "flow_step", "external_event", "continuation", "operation"]

    public init(from decoder: any Decoder) throws {
        switch try TaggedCoding.tag(in: decoder, key: "input_type") {
        case "prompt": self = .prompt(try PromptInput(from: decoder))
        case "peer": self = .peer(try PeerInput(from: decoder))
        case "flow_step": self = .flowStep(try FlowStepInput(from: decoder))
        case "external_event": self = .externalEvent(try ExternalEventInput(from: decoder))
        case "continuation": self = .continuation(try ContinuationInput(from: decoder))
        case "operation": self = .operation(try OperationInput(from: decoder))
        case let other:
            throw TaggedCoding.unknownTag(other, key: "input_type", expected: Self.inputTypes, in: decoder)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .prompt(let input): try TaggedCoding.encode(tag: inputType, key: "input_type", payload: input, to: encoder)
        case .peer(let input): try TaggedCoding.encode(tag: inputType, key: "input_type", payload: input, to: encoder)
        case .flowStep(let input):
            try TaggedCoding.encode(tag: inputType, key: "input_type", payload: input, to: encoder)
        case .externalEvent(let input):
            try TaggedCoding.encode(tag: inputType, key: "input_type", payload: input, to: encoder)
        case .continuation(let input):
            try TaggedCoding.encode(tag: inputType, key: "input_type", payload: input, to: encoder)
        case .operation(let input):
            try TaggedCoding.encode(tag: inputType, key: "input_type", payload: input, to: encoder)
        }
    }

    /// The wire tag (`input_type`) of this variant.
    public var inputType: String {
        switch self {
        case .prompt: "prompt"
        case .peer: "peer"
        case .flowStep: "flow_step"
        case .externalEvent: "external_event"
        case .continuation: "continuation"
        case .operation: "operation"
        }
    }

    /// The common header of the variant (readable and writable).
    public var header: InputHeader {
        get {
            switch self {
            case .prompt(let input): input.header
            case .peer(let input): input.header
            case .flowStep(let input): input.header
            case .externalEvent(let input): input.header
            case .continuation(let input): input.header
            case .operation(let input): input.header
            }
        }
        set {
            switch self {
            case .prompt(var input):
                input.header = newValue
                self = .prompt(input)
            case .peer(var input):
                input.header = newValue
                self = .peer(input)
            case .flowStep(var input):
                input.header = newValue
                self = .flowStep(input)
            case .externalEvent(var input):
                input.header = newValue
                self = .externalEvent(input)
            case .continuation(var input):
                input.header = newValue
                self = .continuation(input)
            case .operation(var input):
                input.header = newValue
                self = .operation(input)
            }
        }
    }

    /// The input's id.
    public var id: InputID { header.id }

    /// The admission kind (RUNTIME.md §1): peer inputs by convention, the others by variant.
    public var kind: InputKind {
        switch self {
        case .prompt: .prompt
        case .peer(let input): input.kind
        case .flowStep: .flowStep
        case .externalEvent: .externalEvent
        case .continuation: .continuation
        case .operation: .operation
        }
    }

    /// The lane hint presented to admission (RUNTIME.md §2.2): prompt/flow_step → `turn_metadata.handling_mode`;
    /// external_event and continuation → their `handling_mode`; peer → its optional `handling_mode`;
    /// operation → none.
    public var requestedLane: InputLane? {
        switch self {
        case .prompt(let input): input.turnMetadata?.handlingMode.map(InputLane.init)
        case .peer(let input): input.handlingMode.map(InputLane.init)
        case .flowStep(let input): input.turnMetadata?.handlingMode.map(InputLane.init)
        case .externalEvent(let input): InputLane(input.handlingMode)
        case .continuation(let input): InputLane(input.handlingMode)
        case .operation: nil
        }
    }

    /// The continuation kind for continuations, nil for every other variant.
    public var continuationKind: ContinuationKind? {
        if case .continuation(let input) = self { return input.continuationKind }
        return nil
    }

    /// The request intent of a `peer_request`, nil otherwise (matched against silent intents, RUNTIME.md §2.5).
    public var peerRequestIntent: String? {
        if case .peer(let input) = self, case .request(_, let intent) = input.convention { return intent }
        return nil
    }

    /// True when this is a `peer_request` whose intent is one of the session's silent intents (RUNTIME.md §2.5).
    public func matchesSilentIntent(in silentIntents: Set<String>) -> Bool {
        peerRequestIntent.map(silentIntents.contains) ?? false
    }

    /// Host context entries carried by the input (prompt and peer only).
    public var injectedContext: [ContentInput] {
        switch self {
        case .prompt(let input): input.injectedContext
        case .peer(let input): input.injectedContext
        case .flowStep, .externalEvent, .continuation, .operation: []
        }
    }

    /// The coalescing scope of this input in a runtime, when its header has a supersession key (RUNTIME.md §6).
    public func supersessionScope(in runtime: LogicalRuntimeID) -> SupersessionScope? {
        header.supersessionKey.map { SupersessionScope(runtimeID: runtime, kind: kind, key: $0) }
    }
}
