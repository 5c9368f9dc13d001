public import MeerkatCore

// RUNTIME.md §2.3: one projection rule per kind.
extension Input {
    /// The conversation content this input contributes when it runs as an ordinary (non-live-steer) turn.
    public func projection() -> RuntimeInputProjection {
        let injected = injectedContext.map(Self.injectedContextAppend)
        switch self {
        case .prompt(let input):
            // Typed appends carry the turn when the content is blank: no empty user message then.
            let carriedByTypedAppends = !input.typedTurnAppends.isEmpty && input.content.isEmpty
            return RuntimeInputProjection(
                injectedContextAppends: injected,
                append: carriedByTypedAppends ? nil : Self.userAppend(input.content),
                additionalAppends: input.typedTurnAppends)
        case .peer(let input):
            return RuntimeInputProjection(
                injectedContextAppends: injected, append: Self.peerNotice(input).conversationAppend)
        case .flowStep(let input):
            return RuntimeInputProjection(append: Self.flowStepNotice(input).conversationAppend)
        case .externalEvent(let input):
            return RuntimeInputProjection(append: Self.externalEventNotice(input).conversationAppend)
        case .continuation(let input):
            return RuntimeInputProjection(append: input.turnAppend)
        case .operation:
            return RuntimeInputProjection()
        }
    }

    /// The appends of ``projection()`` in staging order.
    public var orderedAppends: [ConversationAppend] { projection().orderedAppends }

    /// The blocks this input contributes as request-only steer context (RUNTIME.md §2.3 live steer exception).
    public var steerContextBlocks: [ContentBlock] { projection().steerContextBlocks }

    /// The text this input contributes as request-only steer context; empty means no context.
    public var renderedSteerText: String { projection().renderedSteerText }

    /// The system notice a peer, flow-step or external-event input projects to; nil for the other variants.
    public var systemNotice: RuntimeSystemNotice? {
        switch self {
        case .peer(let input): Self.peerNotice(input)
        case .flowStep(let input): Self.flowStepNotice(input)
        case .externalEvent(let input): Self.externalEventNotice(input)
        case .prompt, .continuation, .operation: nil
        }
    }

    static func injectedContextAppend(_ content: ContentInput) -> ConversationAppend {
        ConversationAppend(role: .injectedContext, content: renderable(content))
    }

    static func userAppend(_ content: ContentInput) -> ConversationAppend {
        ConversationAppend(role: .user, content: renderable(content))
    }

    static func renderable(_ content: ContentInput) -> CoreRenderable {
        switch content {
        case .text(let text): .text(text)
        case .blocks(let blocks): .blocks(blocks)
        }
    }

    static func peerNotice(_ input: PeerInput) -> RuntimeSystemNotice {
        var attributes = ["direction": "incoming"]
        if case .peer(let peerID, let displayIdentity, _) = input.header.source {
            attributes["peer_id"] = peerID
            attributes["peer_name"] = displayIdentity
        }
        let summary: String
        switch input.convention {
        case .none, .message:
            summary = "Peer message"
        case .request(let requestID, let intent):
            summary = "Peer request: \(intent)"
            attributes["request_id"] = requestID
            attributes["intent"] = intent
        case .responseProgress(let requestID, let phase):
            summary = "Peer response progress"
            attributes["request_id"] = requestID
            attributes["phase"] = phase.rawValue
        case .responseTerminal(let requestID, let status):
            summary = "Peer response terminal"
            attributes["request_id"] = requestID
            attributes["status"] = status.rawValue
        }
        attributes["sender_taint"] = input.senderTaint?.rawValue
        return RuntimeSystemNotice(
            kind: .comms, summary: summary, attributes: attributes, payload: input.payload,
            blocks: input.content.blocks)
    }

    static func flowStepNotice(_ input: FlowStepInput) -> RuntimeSystemNotice {
        // The detail carries the step's text; images of the step stay as blocks.
        let images = input.content.blocks.filter { if case .text = $0 { false } else { true } }
        return RuntimeSystemNotice(
            kind: .generic, summary: "Flow step \(input.stepID)",
            attributes: ["category": "flow_step", "detail": input.content.text], blocks: images)
    }

    static func externalEventNotice(_ input: ExternalEventInput) -> RuntimeSystemNotice {
        let source: String
        if case .external(let sourceName) = input.header.source {
            source = sourceName
        } else {
            source = input.eventType
        }
        let summary = input.payload["body"]?.stringValue ?? "External event via \(source)"
        return RuntimeSystemNotice(
            kind: .externalEvent, summary: summary, attributes: ["source": source, "event_type": input.eventType],
            payload: input.payload, blocks: input.blocks ?? [])
    }
}
