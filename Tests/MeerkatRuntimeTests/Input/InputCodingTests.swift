import Foundation
import MeerkatCore
import Testing

@testable import MeerkatRuntime

@Suite struct InputCodingTests {
    @Test func minimalPromptJSONDecodesWithDefaults() throws {
        let before = Date()
        let input = try Wire.decode(Input.self, #"{"input_type":"prompt","content":"hi"}"#)
        guard case .prompt(let prompt) = input else {
            Issue.record("expected a prompt, got \(input)")
            return
        }
        #expect(prompt.content == .text("hi"))
        #expect(prompt.header.source == .operator)
        #expect(prompt.header.durability == .durable)
        #expect(prompt.header.visibility == InputVisibility(transcriptEligible: true, operatorEligible: true))
        #expect(UUIDv7.version(of: prompt.header.id.uuid) == 7)
        #expect(prompt.header.timestamp >= before.addingTimeInterval(-1))
        #expect(prompt.header.idempotencyKey == nil)
        #expect(prompt.typedTurnAppends.isEmpty && prompt.injectedContext.isEmpty && prompt.turnMetadata == nil)
        #expect(input.kind == .prompt)
        #expect(input.requestedLane == nil)
    }

    @Test func twoMinimalPromptsGetDistinctIDs() throws {
        let json = #"{"input_type":"prompt","content":"hi"}"#
        #expect(try Wire.decode(Input.self, json).id != Wire.decode(Input.self, json).id)
    }

    @Test func partialHeaderKeepsGivenFieldsAndDefaultsTheRest() throws {
        let input = try Wire.decode(
            Input.self,
            #"{"input_type":"prompt","content":"hi","header":{"durability":"ephemeral","idempotency_key":"k1"}}"#)
        #expect(input.header.durability == .ephemeral)
        #expect(input.header.idempotencyKey == "k1")
        #expect(input.header.source == .operator)
    }

    @Test func promptGolden() throws {
        let input = Input.prompt(PromptInput(header: Fixture.header(), content: .text("hi")))
        try Wire.expectGolden(input, #"{"content":"hi","header":"# + Fixture.headerJSON + #","input_type":"prompt"}"#)
    }

    @Test func promptWithEverythingGolden() throws {
        var header = Fixture.header()
        header.idempotencyKey = "idem"
        header.supersessionKey = "scope"
        header.correlationID = Fixture.correlationID
        header.visibility = .hidden
        let input = Input.prompt(
            PromptInput(
                header: header, content: .blocks([.text("look")]),
                typedTurnAppends: [ConversationAppend(role: .system, content: .text("sys"))],
                injectedContext: [.text("ctx")], turnMetadata: RuntimeTurnMetadata(handlingMode: .steer)))
        let expected =
            #"{"content":[{"text":"look","type":"text"}],"header":{"correlation_id":"01900000-0000-7000-8000-0000000000cc","#
            + #""durability":"durable","id":"01900000-0000-7000-8000-000000000001","idempotency_key":"idem","#
            + #""source":{"type":"operator"},"supersession_key":"scope","timestamp":"2026-09-21T14:13:20.000Z","#
            + #""visibility":{"operator_eligible":false,"transcript_eligible":false}},"injected_context":["ctx"],"#
            + #""input_type":"prompt","turn_metadata":{"handling_mode":"steer"},"#
            + #""typed_turn_appends":[{"content":{"text":"sys","type":"text"},"role":"system"}]}"#
        try Wire.expectGolden(input, expected)
        #expect(input.requestedLane == .steer)
    }

    @Test func peerGolden() throws {
        let input = Input.peer(
            PeerInput(
                header: Fixture.header(source: .peer(peerID: "p1", displayIdentity: "Alice", runtimeID: "rt:x")),
                convention: .request(requestID: "r1", intent: "review"), content: .text("please"),
                payload: ["n": 1], handlingMode: .queue, senderTaint: .clean, objectiveID: "obj",
                systemPrompts: ["be brief"], injectedContext: [.text("ctx")], directedInteractionID: "d1"))
        let expected =
            #"{"content":"please","convention":{"convention_type":"request","intent":"review","request_id":"r1"},"#
            + #""directed_interaction_id":"d1","handling_mode":"queue","header":{"durability":"durable","#
            + #""id":"01900000-0000-7000-8000-000000000001","#
            + #""source":{"display_identity":"Alice","peer_id":"p1","runtime_id":"rt:x","type":"peer"},"#
            + #""timestamp":"2026-09-21T14:13:20.000Z","visibility":{"operator_eligible":true,"transcript_eligible":true}},"#
            + #""injected_context":["ctx"],"input_type":"peer","objective_id":"obj","payload":{"n":1},"#
            + #""sender_taint":"clean","system_prompts":["be brief"]}"#
        try Wire.expectGolden(input, expected)
    }

    @Test func minimalPeerJSONIsAPeerMessage() throws {
        let input = try Wire.decode(Input.self, #"{"input_type":"peer","content":"hi"}"#)
        #expect(input.kind == .peerMessage)
        #expect(input.requestedLane == nil)
    }

    @Test func peerConventionGoldens() throws {
        try Wire.expectGolden(PeerConvention.message, #"{"convention_type":"message"}"#)
        try Wire.expectGolden(
            PeerConvention.responseProgress(requestID: "r", phase: .inProgress),
            #"{"convention_type":"response_progress","phase":"in_progress","request_id":"r"}"#)
        try Wire.expectGolden(
            PeerConvention.responseTerminal(requestID: "r", status: .completed),
            #"{"convention_type":"response_terminal","request_id":"r","status":"completed"}"#)
    }

    @Test func flowStepGolden() throws {
        let input = Input.flowStep(FlowStepInput(header: Fixture.header(), stepID: "s1", content: .text("do it")))
        try Wire.expectGolden(
            input, #"{"content":"do it","header":"# + Fixture.headerJSON + #","input_type":"flow_step","step_id":"s1"}"#
        )
    }

    @Test func externalEventGoldenAlwaysCarriesHandlingMode() throws {
        let input = Input.externalEvent(
            ExternalEventInput(header: Fixture.header(), eventType: "webhook", payload: ["body": "ping"]))
        try Wire.expectGolden(
            input,
            #"{"event_type":"webhook","handling_mode":"queue","header":"# + Fixture.headerJSON
                + #","input_type":"external_event","payload":{"body":"ping"}}"#)
        let minimal = try Wire.decode(Input.self, #"{"input_type":"external_event","event_type":"tick"}"#)
        guard case .externalEvent(let event) = minimal else {
            Issue.record("expected an external event")
            return
        }
        #expect(event.payload == .object([:]))
        #expect(event.handlingMode == .queue)
    }

    @Test func continuationGoldenDefaultsKindAndMode() throws {
        let input = Input.continuation(ContinuationInput(header: Fixture.header(), reason: "resume"))
        try Wire.expectGolden(
            input,
            #"{"continuation_kind":"ordinary","handling_mode":"queue","header":"# + Fixture.headerJSON
                + #","input_type":"continuation","reason":"resume"}"#)
        let minimal = try Wire.decode(Input.self, #"{"input_type":"continuation","reason":"r"}"#)
        #expect(minimal.continuationKind == .ordinary)
        #expect(minimal.requestedLane == .queue)
    }

    @Test func canonicalSystemContinuation() throws {
        let input = ContinuationInput.detachedBackgroundOpCompleted(id: Fixture.inputID, timestamp: Fixture.date)
        #expect(input.header.source == .system)
        #expect(input.header.durability == .derived)
        #expect(input.header.visibility == .hidden)
        #expect(input.reason == "detached_background_op_completed")
        #expect(input.continuationKind == .ordinary)
        #expect(input.handlingMode == .steer)
        #expect(InputValidation.validate(.continuation(input)) == nil)
    }

    @Test func operationGolden() throws {
        let input = Input.operation(
            OperationInput(header: Fixture.header(), operationID: "op-1", event: .completed(result: ["ok": true])))
        try Wire.expectGolden(
            input,
            #"{"event":{"event_type":"completed","result":{"ok":true}},"header":"# + Fixture.headerJSON
                + #","input_type":"operation","operation_id":"op-1"}"#)
    }

    @Test func opEventGoldens() throws {
        try Wire.expectGolden(OpEvent.started, #"{"event_type":"started"}"#)
        try Wire.expectGolden(
            OpEvent.progress(message: "half", fraction: 0.5),
            #"{"event_type":"progress","fraction":0.5,"message":"half"}"#)
        try Wire.expectGolden(OpEvent.completed(), #"{"event_type":"completed"}"#)
        try Wire.expectGolden(OpEvent.failed(error: "boom"), #"{"error":"boom","event_type":"failed"}"#)
        try Wire.expectGolden(OpEvent.cancelled, #"{"event_type":"cancelled"}"#)
        #expect(OpEvent.cancelled.isTerminal && !OpEvent.started.isTerminal)
    }

    @Test func originGoldens() throws {
        try Wire.expectGolden(InputOrigin.operator, #"{"type":"operator"}"#)
        try Wire.expectGolden(InputOrigin.system, #"{"type":"system"}"#)
        try Wire.expectGolden(InputOrigin.peer(peerID: "p"), #"{"peer_id":"p","type":"peer"}"#)
        try Wire.expectGolden(
            InputOrigin.flow(flowID: "f", stepIndex: 2), #"{"flow_id":"f","step_index":2,"type":"flow"}"#)
        try Wire.expectGolden(InputOrigin.external(sourceName: "cron"), #"{"source_name":"cron","type":"external"}"#)
    }

    @Test func visibilityDefaultsToTrueWhenMissing() throws {
        #expect(try Wire.decode(InputVisibility.self, "{}") == InputVisibility())
        #expect(
            try Wire.decode(InputVisibility.self, #"{"operator_eligible":false}"#)
                == InputVisibility(transcriptEligible: true, operatorEligible: false))
    }

    @Test func unknownInputTypeNamesTheTagAndTheChoices() throws {
        do {
            _ = try Wire.decode(Input.self, #"{"input_type":"telepathy"}"#)
            Issue.record("expected a decoding error")
        } catch let DecodingError.dataCorrupted(context) {
            #expect(context.debugDescription.contains("unknown input_type 'telepathy'"))
            #expect(context.debugDescription.contains("external_event"))
        }
    }

    @Test func headerIsWritableThroughTheEnum() {
        var input = Input.operation(OperationInput(header: Fixture.header(), operationID: "op", event: .started))
        input.header.idempotencyKey = "k"
        #expect(input.header.idempotencyKey == "k")
        #expect(input.id == Fixture.inputID)
    }

    @Test func logicalRuntimeIDOfSession() {
        let runtime = LogicalRuntimeID.session(Fixture.sessionID)
        #expect(runtime.rawValue == "rt:session:01900000-0000-7000-8000-0000000000ff")
        #expect(runtime.sessionID == Fixture.sessionID)
        #expect(LogicalRuntimeID.legacySessionAlias(Fixture.sessionID).sessionID == Fixture.sessionID)
    }

    @Test func peerTerminalIdempotencyKey() {
        #expect(
            IdempotencyKey.peerResponseTerminal(peerID: "p", requestID: "r").rawValue == "peer_response_terminal:p:r")
    }
}
