import MeerkatCore
import Testing

@testable import MeerkatRuntime

@Suite struct InputValidationTests {
    @Test func rule1MissingDurabilityObservation() {
        let facts = AdmissionValidationFacts(kind: .prompt, origin: .operator, durability: nil)
        let reason = InputValidation.validate(facts)
        #expect(reason == .durabilityViolation(detail: "input durability observation missing"))
        #expect(reason?.description == "durability_violation: input durability observation missing")
    }

    @Test(arguments: [
        InputOrigin.operator, .peer(peerID: "p"), .external(sourceName: "hook"),
    ])
    func rule2ExternalIngressCannotSubmitDerived(origin: InputOrigin) {
        let input = Input.externalEvent(
            ExternalEventInput(header: Fixture.header(source: origin, durability: .derived), eventType: "e"))
        #expect(
            InputValidation.validate(input)
                == .durabilityViolation(detail: "External ingress cannot submit derived inputs"))
    }

    @Test(arguments: [InputKind.prompt, .peerMessage, .peerRequest, .peerResponseTerminal, .flowStep])
    func rule3DerivedForbiddenForContentKinds(kind: InputKind) {
        for origin in [InputOrigin.system, .flow(flowID: "f", stepIndex: 0)] {
            let facts = AdmissionValidationFacts(kind: kind, origin: origin, durability: .derived)
            let reason = InputValidation.validate(facts)
            #expect(reason == .durabilityViolation(detail: "Derived durability forbidden for \(kind.rawValue)"))
            #expect(reason?.description.hasPrefix("durability_violation:") == true)
        }
    }

    @Test(arguments: [InputKind.externalEvent, .peerResponseProgress, .continuation, .operation])
    func derivedAllowedFromFlowAndSystemForOtherKinds(kind: InputKind) {
        for origin in [InputOrigin.system, .flow(flowID: "f", stepIndex: 1)] {
            #expect(
                InputValidation.validate(AdmissionValidationFacts(kind: kind, origin: origin, durability: .derived))
                    == nil)
        }
    }

    @Test func derivedPromptIsRejectedFromAnyOrigin() {
        for origin in [InputOrigin.operator, .system] {
            let input = Input.prompt(
                PromptInput(header: Fixture.header(source: origin, durability: .derived), content: .text("x")))
            guard case .durabilityViolation = InputValidation.validate(input) else {
                Issue.record("derived prompt from \(origin) must be a durability violation")
                continue
            }
        }
    }

    @Test(arguments: [HandlingMode.queue, .steer])
    func rule4ProgressWithAnyHandlingModeIsRejected(mode: HandlingMode) {
        let reason = InputValidation.validate(
            Fixture.peer(.responseProgress(requestID: "r", phase: .inProgress), handlingMode: mode))
        #expect(
            reason
                == .peerHandlingModeInvalid(
                    detail: "handling_mode \(mode.rawValue) is forbidden on a peer response_progress"))
        #expect(reason?.description.hasPrefix("peer_handling_mode_invalid:") == true)
    }

    @Test func rule4SteerWithInjectedContextIsRejected() {
        let reason = InputValidation.validate(
            Fixture.peer(.message, handlingMode: .steer, injectedContext: [.text("ctx")]))
        #expect(
            reason
                == .peerHandlingModeInvalid(
                    detail: "handling_mode steer is forbidden on a peer input that carries injected_context"))
    }

    @Test func rule4AllowsOtherPeerHandlingModes() {
        #expect(InputValidation.validate(Fixture.peer(.message, handlingMode: .steer)) == nil)
        #expect(
            InputValidation.validate(Fixture.peer(.request(requestID: "r", intent: "i"), handlingMode: .queue)) == nil)
        #expect(InputValidation.validate(Fixture.peer(nil, handlingMode: .queue, injectedContext: [.text("c")])) == nil)
        #expect(
            InputValidation.validate(
                Fixture.peer(.responseTerminal(requestID: "r", status: .completed), handlingMode: .steer))
                == nil)
    }

    @Test func rule5BlankRequestIDIsRejected() {
        let reason = InputValidation.validate(Fixture.peer(.responseTerminal(requestID: "  ", status: .completed)))
        #expect(reason == .peerResponseTerminalInvalid(detail: "peer response_terminal request_id is blank"))
        #expect(reason?.description.hasPrefix("peer_response_terminal_invalid:") == true)
    }

    @Test func rule5CancelledStatusIsRejected() {
        #expect(
            InputValidation.validate(Fixture.peer(.responseTerminal(requestID: "r", status: .cancelled)))
                == .peerResponseTerminalInvalid(detail: "peer response_terminal status cancelled is not admissible"))
    }

    @Test func rule5PeerIdentityMustBeParsable() {
        let terminal = PeerConvention.responseTerminal(requestID: "r", status: .failed)
        #expect(
            InputValidation.validate(Fixture.peer(terminal, source: .operator))
                == .peerResponseTerminalInvalid(
                    detail: "peer response_terminal requires a peer origin carrying a peer_id"))
        #expect(
            InputValidation.validate(Fixture.peer(terminal, source: .peer(peerID: "")))
                == .peerResponseTerminalInvalid(detail: "peer response_terminal peer_id is blank"))
        #expect(
            InputValidation.validate(Fixture.peer(terminal, source: .peer(peerID: "p", displayIdentity: " ")))
                == .peerResponseTerminalInvalid(detail: "peer response_terminal display_identity is blank"))
        #expect(InputValidation.validate(Fixture.peer(terminal)) == nil)
    }

    @Test func firstFailingRuleWins() {
        // Derived from a peer (rule 2) and a steer with injected context (rule 4): rule 2 is reported.
        let input = Fixture.peer(.message, handlingMode: .steer, injectedContext: [.text("c")], durability: .derived)
        #expect(
            InputValidation.validate(input)
                == .durabilityViolation(detail: "External ingress cannot submit derived inputs"))
    }

    @Test func ordinaryInputsPass() {
        #expect(InputValidation.validate(.prompt(PromptInput(content: .text("hi")))) == nil)
        #expect(InputValidation.validate(Fixture.peer(.message)) == nil)
        #expect(InputValidation.validate(.operation(OperationInput(operationID: "o", event: .started))) == nil)
    }

    @Test func precheckRejectsBlocksInsideExternalEventPayload() {
        let input = Input.externalEvent(ExternalEventInput(eventType: "e", payload: ["blocks": []]))
        let failure = InputValidation.precheck(input)
        #expect(failure == .externalEventPayloadContainsBlocks)
        #expect(failure?.description.contains("`blocks`") == true)
        #expect(InputValidation.precheck(.externalEvent(ExternalEventInput(eventType: "e", payload: ["b": 1]))) == nil)
    }

    @Test func precheckRejectsBlankPromptWithoutTypedAppends() {
        #expect(InputValidation.precheck(.prompt(PromptInput(content: .text(" \n")))) == .blankPrompt)
        #expect(InputValidation.precheck(.prompt(PromptInput(content: .blocks([])))) == .blankPrompt)
        #expect(
            InputValidation.precheck(
                .prompt(
                    PromptInput(
                        content: .text(""), typedTurnAppends: [ConversationAppend(role: .user, content: .text("t"))])))
                == nil)
        #expect(InputValidation.precheck(.prompt(PromptInput(content: .text("hi")))) == nil)
    }

    @Test func precheckFailureMapsToValidationFailed() {
        #expect(
            RuntimeDriverError.precheckFailed(.blankPrompt)
                == .validationFailed(
                    reason: "blank_prompt: prompt content is blank and no typed_turn_appends carry the turn"))
    }
}
