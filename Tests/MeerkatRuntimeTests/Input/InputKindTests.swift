import MeerkatCore
import Testing

@testable import MeerkatRuntime

@Suite struct InputKindTests {
    @Test func kindsHaveStableWireNames() {
        #expect(
            InputKind.allCases.map(\.rawValue) == [
                "prompt", "peer_message", "peer_request", "peer_response_progress", "peer_response_terminal",
                "flow_step", "external_event", "continuation", "operation",
            ])
    }

    @Test func peerKindFollowsConvention() {
        #expect(Fixture.peer(nil).kind == .peerMessage)
        #expect(Fixture.peer(.message).kind == .peerMessage)
        #expect(Fixture.peer(.request(requestID: "r", intent: "i")).kind == .peerRequest)
        #expect(Fixture.peer(.responseProgress(requestID: "r", phase: .accepted)).kind == .peerResponseProgress)
        #expect(Fixture.peer(.responseTerminal(requestID: "r", status: .failed)).kind == .peerResponseTerminal)
    }

    @Test func variantKinds() {
        #expect(Input.flowStep(FlowStepInput(stepID: "s", content: .text("x"))).kind == .flowStep)
        #expect(Input.externalEvent(ExternalEventInput(eventType: "e")).kind == .externalEvent)
        #expect(Input.continuation(ContinuationInput(reason: "r")).kind == .continuation)
        #expect(Input.operation(OperationInput(operationID: "o", event: .started)).kind == .operation)
    }

    @Test func requestedLanePerVariant() {
        #expect(Input.prompt(PromptInput(content: .text("x"))).requestedLane == nil)
        #expect(
            Input.prompt(PromptInput(content: .text("x"), turnMetadata: RuntimeTurnMetadata(handlingMode: .queue)))
                .requestedLane == .queue)
        #expect(
            Input.flowStep(
                FlowStepInput(stepID: "s", content: .text("x"), turnMetadata: RuntimeTurnMetadata(handlingMode: .steer))
            ).requestedLane == .steer)
        #expect(Input.externalEvent(ExternalEventInput(eventType: "e")).requestedLane == .queue)
        #expect(Input.externalEvent(ExternalEventInput(eventType: "e", handlingMode: .steer)).requestedLane == .steer)
        #expect(Input.continuation(ContinuationInput(reason: "r", handlingMode: .steer)).requestedLane == .steer)
        #expect(Fixture.peer(.message).requestedLane == nil)
        #expect(Fixture.peer(.message, handlingMode: .steer).requestedLane == .steer)
        #expect(Input.operation(OperationInput(operationID: "o", event: .started)).requestedLane == nil)
    }

    @Test func silentIntentMatchesOnlyPeerRequests() {
        let silent: Set<String> = ["mob.peer_added"]
        #expect(Fixture.peer(.request(requestID: "r", intent: "mob.peer_added")).matchesSilentIntent(in: silent))
        #expect(!Fixture.peer(.request(requestID: "r", intent: "other")).matchesSilentIntent(in: silent))
        #expect(!Fixture.peer(.message).matchesSilentIntent(in: silent))
    }

    @Test func supersessionScopeNeedsAKeyAndKeepsKindsApart() {
        let runtime = LogicalRuntimeID.session(Fixture.sessionID)
        var progress = Fixture.peer(.responseProgress(requestID: "r", phase: .inProgress))
        #expect(progress.supersessionScope(in: runtime) == nil)
        progress.header.supersessionKey = "req-r"
        var message = Fixture.peer(.message)
        message.header.supersessionKey = "req-r"
        let progressScope = progress.supersessionScope(in: runtime)
        #expect(progressScope == SupersessionScope(runtimeID: runtime, kind: .peerResponseProgress, key: "req-r"))
        #expect(progressScope != message.supersessionScope(in: runtime))
        #expect(SupersessionScope.coalescesOnAdmission(.peerResponseProgress))
        #expect(!SupersessionScope.coalescesOnAdmission(.externalEvent))
    }
}
