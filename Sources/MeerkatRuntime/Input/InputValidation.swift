import MeerkatCore

/// Input-level admission checks (RUNTIME.md §2.4): pure functions, fail-closed, first failing rule wins.
public enum InputValidation {
    /// Pre-checks that surface as `ValidationFailed` errors rather than `Rejected` outcomes.
    public static func precheck(_ input: Input) -> InputPrecheckFailure? {
        switch input {
        case .externalEvent(let event):
            if event.payload["blocks"] != nil { return .externalEventPayloadContainsBlocks }
        case .prompt(let prompt):
            if prompt.content.isEmpty && prompt.typedTurnAppends.isEmpty { return .blankPrompt }
        case .peer, .flowStep, .continuation, .operation:
            break
        }
        return nil
    }

    /// The first §2.4 rule the input breaks, or nil when it may proceed to policy.
    public static func validate(_ input: Input) -> RejectReason? {
        validate(AdmissionValidationFacts(input))
    }

    /// The first §2.4 rule the facts break, or nil when the input may proceed to policy.
    public static func validate(_ facts: AdmissionValidationFacts) -> RejectReason? {
        // Rule 1: durability must be observed.
        guard let durability = facts.durability else {
            return .durabilityViolation(detail: "input durability observation missing")
        }
        if durability == .derived {
            // Rule 2: only the runtime's own producers may submit reconstructible inputs.
            if facts.origin.isExternalIngress {
                return .durabilityViolation(detail: "External ingress cannot submit derived inputs")
            }
            // Rule 3: even flow/system may not derive content-bearing kinds.
            if facts.kind.forbidsDerivedDurability {
                return .durabilityViolation(detail: "Derived durability forbidden for \(facts.kind.rawValue)")
            }
        }
        // Rule 4: peer handling mode.
        if facts.kind.isPeer, let mode = facts.peerHandlingMode {
            if facts.kind == .peerResponseProgress {
                return .peerHandlingModeInvalid(
                    detail: "handling_mode \(mode.rawValue) is forbidden on a peer response_progress")
            }
            if mode == .steer && facts.carriesInjectedContext {
                return .peerHandlingModeInvalid(
                    detail: "handling_mode steer is forbidden on a peer input that carries injected_context")
            }
        }
        // Rule 5: peer terminal fact.
        if facts.kind == .peerResponseTerminal {
            guard let terminal = facts.peerResponseTerminal else {
                return .peerResponseTerminalInvalid(detail: "peer response_terminal fact missing")
            }
            if let detail = terminalDefect(terminal) { return .peerResponseTerminalInvalid(detail: detail) }
        }
        return nil
    }

    private static func terminalDefect(_ terminal: AdmissionValidationFacts.PeerResponseTerminal) -> String? {
        guard let peerID = terminal.peerID else {
            return "peer response_terminal requires a peer origin carrying a peer_id"
        }
        if isBlank(peerID) { return "peer response_terminal peer_id is blank" }
        if let name = terminal.displayName, isBlank(name) {
            return "peer response_terminal display_identity is blank"
        }
        if isBlank(terminal.requestID) { return "peer response_terminal request_id is blank" }
        if terminal.status == .cancelled {
            return "peer response_terminal status cancelled is not admissible"
        }
        return nil
    }

    private static func isBlank(_ text: String) -> Bool {
        text.allSatisfy(\.isWhitespace)
    }
}
