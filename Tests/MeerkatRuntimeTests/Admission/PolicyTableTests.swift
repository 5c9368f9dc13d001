import MeerkatCore
import Testing

@testable import MeerkatRuntime

/// One test per row of RUNTIME.md §4.2, each over the R/B/W/S variants the row names.
@Suite struct PolicyTableTests {
    // R = running, B = boundary available, W = without wake, S = silent intent.
    static let idle = AdmissionContext()
    static let running = AdmissionContext(running: true)
    static let boundaryOnly = AdmissionContext(boundaryAvailable: true)
    static let runningWithBoundary = AdmissionContext(running: true, boundaryAvailable: true)
    static let withoutWake = AdmissionContext(withoutWake: true)
    static let withoutWakeRunning = AdmissionContext(running: true, withoutWake: true)
    static let silent = AdmissionContext(silentIntent: true)
    static let silentRunning = AdmissionContext(running: true, silentIntent: true)

    static let wake = AdmissionFlags(wakeIfIdle: true)
    static let interrupt = AdmissionFlags(interruptYielding: true)
    static let immediate = AdmissionFlags(requestImmediateProcessing: true)

    func resolve(
        _ kind: InputKind, _ lane: InputLane?, _ context: AdmissionContext, continuation: ContinuationKind? = nil
    ) throws -> AdmissionPlan {
        try PolicyTable.resolve(kind: kind, lane: lane, continuationKind: continuation, context: context)
    }

    /// The defaults every queued row shares unless the row says otherwise.
    func expectQueuedDefaults(
        _ plan: AdmissionPlan, queueMode: QueueMode = .fifo, record: Bool = true,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(plan.decision.queueMode == queueMode, sourceLocation: sourceLocation)
        #expect(plan.decision.consumePoint == .onRunComplete, sourceLocation: sourceLocation)
        #expect(plan.decision.recordTranscript == record, sourceLocation: sourceLocation)
        #expect(plan.decision.emitOperatorContent == record, sourceLocation: sourceLocation)
        #expect(plan.decision.policyVersion == 1, sourceLocation: sourceLocation)
        #expect(plan.disposition == .queued, sourceLocation: sourceLocation)
        #expect(
            plan.decision.routingDisposition == (plan.lane == .steer ? .steer : .queue), sourceLocation: sourceLocation)
    }

    @Test(arguments: [InputKind.prompt, .flowStep, .externalEvent], [InputLane?.none, .queue])
    func contentKindsQueuedStageAtRunStartAndWakeOnlyWhenIdle(kind: InputKind, lane: InputLane?) throws {
        let plan = try resolve(kind, lane, Self.idle)
        #expect(plan.decision.applyMode == .stageRunStart)
        #expect(plan.decision.wakeMode == .wakeIfIdle)
        #expect(plan.decision.drainPolicy == .queueNextTurn)
        #expect(plan.lane == .queue)
        #expect(plan.semantics == RuntimeInputSemantics(boundary: .runStart))
        #expect(plan.flags == Self.wake)
        #expect(plan.signal == .wakeLoop)
        expectQueuedDefaults(plan)
        for context in [Self.running, Self.boundaryOnly, Self.runningWithBoundary, Self.withoutWake] {
            let other = try resolve(kind, lane, context)
            #expect(other.decision.wakeMode == .none)
            #expect(other.flags == .none)
            #expect(other.signal == .none)
        }
    }

    @Test(arguments: [InputKind.prompt, .flowStep, .externalEvent])
    func contentKindsSteeredStageAtBoundaryAndRequestImmediateProcessing(kind: InputKind) throws {
        let plan = try resolve(kind, .steer, Self.idle)
        #expect(plan.decision.applyMode == .stageRunBoundary)
        #expect(plan.decision.wakeMode == .wakeIfIdle)
        #expect(plan.decision.drainPolicy == .steerBatch)
        #expect(plan.lane == .steer)
        #expect(plan.semantics == RuntimeInputSemantics(boundary: .runCheckpoint, liveInterruptRequired: true))
        #expect(plan.flags == Self.immediate)
        #expect(plan.signal == .requestImmediateProcessing)
        expectQueuedDefaults(plan)
        for context in [Self.running, Self.boundaryOnly, Self.runningWithBoundary] {
            let live = try resolve(kind, .steer, context)
            #expect(live.decision.wakeMode == .interruptYielding)
            #expect(live.flags == Self.immediate)
        }
        for context in [Self.withoutWake, Self.withoutWakeRunning] {
            let quiet = try resolve(kind, .steer, context)
            #expect(quiet.decision.wakeMode == .none)
            #expect(quiet.flags == .none)
            #expect(quiet.lane == .steer)
        }
    }

    @Test(arguments: [InputKind.peerMessage, .peerRequest])
    func peerWithoutHintInterruptsYieldingWhileALiveTurnExists(kind: InputKind) throws {
        let plan = try resolve(kind, nil, Self.idle)
        #expect(plan.decision.applyMode == .stageRunStart)
        #expect(plan.decision.wakeMode == .wakeIfIdle)
        #expect(plan.decision.drainPolicy == .queueNextTurn)
        #expect(plan.lane == .queue)
        #expect(plan.semantics == RuntimeInputSemantics(boundary: .runStart))
        #expect(plan.flags == Self.wake)
        expectQueuedDefaults(plan)
        for context in [Self.running, Self.boundaryOnly, Self.runningWithBoundary] {
            let live = try resolve(kind, nil, context)
            #expect(live.decision.wakeMode == .interruptYielding)
            #expect(live.flags == Self.interrupt)
            #expect(live.signal == .interruptYielding)
        }
        for context in [Self.withoutWake, Self.withoutWakeRunning] {
            let quiet = try resolve(kind, nil, context)
            #expect(quiet.decision.wakeMode == .none)
            #expect(quiet.flags == .none)
        }
    }

    @Test func silentIntentSilencesAPeerRequestWithoutHint() throws {
        for context in [Self.silent, Self.silentRunning] {
            let plan = try resolve(.peerRequest, nil, context)
            #expect(plan.decision.wakeMode == .none)
            #expect(plan.flags == .none)
            #expect(plan.lane == .queue)
        }
        // S only concerns peer_request.
        #expect(try resolve(.peerMessage, nil, Self.silent).flags == Self.wake)
        #expect(try resolve(.peerMessage, nil, Self.silentRunning).flags == Self.interrupt)
    }

    @Test(arguments: [InputKind.peerMessage, .peerRequest])
    func peerQueuedNeverDisturbsALiveTurn(kind: InputKind) throws {
        let plan = try resolve(kind, .queue, Self.idle)
        #expect(plan.decision.applyMode == .stageRunStart)
        #expect(plan.decision.wakeMode == .wakeIfIdle)
        #expect(plan.decision.drainPolicy == .queueNextTurn)
        #expect(plan.lane == .queue)
        #expect(plan.semantics == RuntimeInputSemantics(boundary: .runStart))
        #expect(plan.flags == Self.wake)
        expectQueuedDefaults(plan)
        for context in [Self.running, Self.boundaryOnly, Self.runningWithBoundary, Self.withoutWake] {
            let other = try resolve(kind, .queue, context)
            #expect(other.decision.wakeMode == .none)
            #expect(other.flags == .none)
        }
        if kind == .peerRequest {
            let silent = try resolve(kind, .queue, Self.silent)
            #expect(silent.decision.wakeMode == .none)
            #expect(silent.flags == .none)
        }
    }

    @Test(arguments: [InputKind.peerMessage, .peerRequest])
    func peerSteeredRequestsImmediateProcessingAndNormalisesWhenIdle(kind: InputKind) throws {
        let idle = try resolve(kind, .steer, Self.idle)
        #expect(idle.decision.applyMode == .stageRunBoundary)
        #expect(idle.decision.wakeMode == .wakeIfIdle)
        #expect(idle.decision.drainPolicy == .steerBatch)
        #expect(idle.lane == .steer)
        #expect(
            idle.semantics
                == RuntimeInputSemantics(
                    boundary: .runCheckpoint, executionHandlingMode: .queue, liveInterruptRequired: true))
        #expect(idle.flags == Self.immediate)
        expectQueuedDefaults(idle)

        let running = try resolve(kind, .steer, Self.running)
        #expect(running.decision.wakeMode == .interruptYielding)
        #expect(running.semantics.executionHandlingMode == nil)
        #expect(running.semantics.contributesLiveSteerContext)
        #expect(running.flags == Self.immediate)

        // B without R: interrupts yielding, but the handling mode is still normalised (¬R).
        let boundary = try resolve(kind, .steer, Self.boundaryOnly)
        #expect(boundary.decision.wakeMode == .interruptYielding)
        #expect(boundary.semantics.executionHandlingMode == .queue)

        let quiet = try resolve(kind, .steer, Self.withoutWakeRunning)
        #expect(quiet.decision.wakeMode == .none)
        #expect(quiet.flags == .none)
    }

    @Test func silentSteeredPeerRequestIsForcedToRunStartAndStaysQuiet() throws {
        for context in [Self.silent, Self.silentRunning] {
            let plan = try resolve(.peerRequest, .steer, context)
            #expect(plan.decision.applyMode == .stageRunStart)
            #expect(plan.semantics.boundary == .runStart)
            #expect(plan.decision.wakeMode == .none)
            #expect(plan.flags == .none)
            #expect(plan.lane == .steer)
            #expect(plan.decision.drainPolicy == .steerBatch)
            #expect(plan.semantics.executionHandlingMode == (context.running ? nil : .queue))
        }
        // A silent flag on a peer message has no effect.
        #expect(try resolve(.peerMessage, .steer, Self.silent).semantics.boundary == .runCheckpoint)
    }

    @Test func peerProgressIsPassiveAndCoalescing() throws {
        for context in [Self.idle, Self.running, Self.boundaryOnly, Self.withoutWake] {
            let plan = try resolve(.peerResponseProgress, nil, context)
            #expect(plan.decision.applyMode == .stageRunBoundary)
            #expect(plan.decision.wakeMode == .none)
            #expect(plan.decision.drainPolicy == .steerBatch)
            #expect(plan.lane == .steer)
            #expect(plan.semantics.boundary == .runCheckpoint)
            #expect(plan.semantics.liveInterruptRequired)
            #expect(plan.semantics.executionHandlingMode == (context.running ? nil : .queue))
            #expect(plan.flags == .none)
            #expect(plan.signal == .none)
            expectQueuedDefaults(plan, queueMode: .coalesce)
        }
    }

    @Test(arguments: [InputLane.queue, .steer])
    func peerProgressWithAnyHintIsUncovered(lane: InputLane) {
        #expect(throws: PolicyError.laneNotAllowed(kind: .peerResponseProgress, lane: lane)) {
            try resolve(.peerResponseProgress, lane, Self.idle)
        }
    }

    @Test(arguments: [InputLane?.none, .queue])
    func peerTerminalQueuedWakesEvenWhileRunning(lane: InputLane?) throws {
        for context in [Self.idle, Self.running, Self.boundaryOnly, Self.runningWithBoundary] {
            let plan = try resolve(.peerResponseTerminal, lane, context)
            #expect(plan.decision.applyMode == .stageRunStart)
            #expect(plan.decision.wakeMode == .wakeIfIdle)
            #expect(plan.decision.drainPolicy == .queueNextTurn)
            #expect(plan.lane == .queue)
            #expect(
                plan.semantics
                    == RuntimeInputSemantics(boundary: .runStart, peerResponseTerminalApplyIntent: .appendContentAndRun)
            )
            #expect(plan.flags == Self.wake)
            #expect(plan.signal == .wakeLoop)
            expectQueuedDefaults(plan)
        }
        let quiet = try resolve(.peerResponseTerminal, lane, Self.withoutWakeRunning)
        #expect(quiet.decision.wakeMode == .none)
        #expect(quiet.flags == .none)
    }

    @Test func peerTerminalSteeredRunsAtRunStartAndIsNeverLiveInjected() throws {
        let idle = try resolve(.peerResponseTerminal, .steer, Self.idle)
        #expect(idle.decision.applyMode == .stageRunStart)
        #expect(idle.decision.wakeMode == .wakeIfIdle)
        #expect(idle.decision.drainPolicy == .steerBatch)
        #expect(idle.lane == .steer)
        #expect(idle.semantics.boundary == .runStart)
        #expect(idle.semantics.peerResponseTerminalApplyIntent == .appendContentAndRun)
        #expect(!idle.semantics.contributesLiveSteerContext)
        #expect(idle.flags == Self.immediate)
        expectQueuedDefaults(idle)
        for context in [Self.running, Self.boundaryOnly] {
            let live = try resolve(.peerResponseTerminal, .steer, context)
            #expect(live.decision.wakeMode == .interruptYielding)
            #expect(live.flags == Self.immediate)
            #expect(!live.semantics.contributesLiveSteerContext)
        }
        let quiet = try resolve(.peerResponseTerminal, .steer, Self.withoutWake)
        #expect(quiet.decision.wakeMode == .none)
        #expect(quiet.flags == .none)
    }

    @Test func ordinaryContinuationQueuedResumesPendingWithoutTranscript() throws {
        for continuation in [ContinuationKind?.none, .ordinary] {
            let plan = try resolve(.continuation, .queue, Self.idle, continuation: continuation)
            #expect(plan.decision.applyMode == .stageRunStart)
            #expect(plan.decision.wakeMode == .wakeIfIdle)
            #expect(plan.decision.drainPolicy == .queueNextTurn)
            #expect(plan.lane == .queue)
            #expect(plan.semantics == RuntimeInputSemantics(boundary: .runStart, executionKind: .resumePending))
            #expect(plan.flags == Self.wake)
            expectQueuedDefaults(plan, record: false)
        }
        for context in [Self.running, Self.boundaryOnly, Self.withoutWake] {
            let other = try resolve(.continuation, .queue, context)
            #expect(other.decision.wakeMode == .none)
            #expect(other.flags == .none)
        }
    }

    @Test(arguments: [InputLane?.none, .steer])
    func ordinaryContinuationSteeredResumesPendingAtTheNextBoundary(lane: InputLane?) throws {
        let plan = try resolve(.continuation, lane, Self.idle, continuation: .ordinary)
        #expect(plan.decision.applyMode == .stageRunBoundary)
        #expect(plan.decision.wakeMode == .wakeIfIdle)
        #expect(plan.decision.drainPolicy == .steerBatch)
        #expect(plan.lane == .steer)
        #expect(
            plan.semantics
                == RuntimeInputSemantics(
                    boundary: .runCheckpoint, executionKind: .resumePending, liveInterruptRequired: true))
        #expect(plan.flags == Self.immediate)
        expectQueuedDefaults(plan, record: false)
        for context in [Self.running, Self.boundaryOnly] {
            #expect(try resolve(.continuation, lane, context).decision.wakeMode == .interruptYielding)
            #expect(try resolve(.continuation, lane, context).flags == Self.immediate)
        }
        let quiet = try resolve(.continuation, lane, Self.withoutWake)
        #expect(quiet.decision.wakeMode == .none)
        #expect(quiet.flags == .none)
    }

    @Test(arguments: [InputLane?.none, .queue, .steer])
    func workgraphAttentionIsAFreshQueuedContentTurn(lane: InputLane?) throws {
        let plan = try resolve(.continuation, lane, Self.idle, continuation: .workgraphAttention)
        #expect(plan.decision.applyMode == .stageRunStart)
        #expect(plan.decision.wakeMode == .wakeIfIdle)
        #expect(plan.decision.drainPolicy == .queueNextTurn)
        #expect(plan.lane == .queue)
        #expect(plan.semantics == RuntimeInputSemantics(boundary: .runStart, executionKind: .contentTurn))
        #expect(plan.flags == Self.wake)
        expectQueuedDefaults(plan, record: false)
        for context in [Self.running, Self.boundaryOnly, Self.withoutWake] {
            let other = try resolve(.continuation, lane, context, continuation: .workgraphAttention)
            #expect(other.decision.wakeMode == .none)
            #expect(other.flags == .none)
        }
    }

    @Test func operationIsConsumedOnAccept() throws {
        for context in [Self.idle, Self.running, Self.withoutWake, Self.boundaryOnly] {
            let plan = try resolve(.operation, nil, context)
            #expect(
                plan.decision
                    == PolicyDecision(
                        applyMode: .ignore, wakeMode: .none, queueMode: .priority, consumePoint: .onAccept,
                        drainPolicy: .ignore, routingDisposition: .drop, recordTranscript: false,
                        emitOperatorContent: false, policyVersion: 1))
            #expect(plan.lane == .queue)
            #expect(plan.semantics.boundary == .runStart)
            #expect(plan.flags == .none)
            #expect(plan.disposition == .consumedOnAccept)
            #expect(plan.isConsumedOnAccept)
        }
    }

    @Test(arguments: [InputLane.queue, .steer])
    func operationWithALaneIsUncovered(lane: InputLane) {
        #expect(throws: PolicyError.laneNotAllowed(kind: .operation, lane: lane)) {
            try resolve(.operation, lane, Self.idle)
        }
    }

    @Test func continuationKindOnAnotherKindIsUncovered() {
        #expect(throws: PolicyError.continuationKindNotApplicable(kind: .prompt, continuationKind: .ordinary)) {
            try resolve(.prompt, nil, Self.idle, continuation: .ordinary)
        }
        #expect(
            PolicyError.laneNotAllowed(kind: .operation, lane: .steer).description
                == "policy_uncovered: no policy row for operation with lane hint steer")
    }

    @Test func resolvingAnInputUsesItsKindAndHints() throws {
        let steer = Input.continuation(ContinuationInput.detachedBackgroundOpCompleted())
        let plan = try PolicyTable.resolve(steer, context: Self.running)
        #expect(plan.lane == .steer)
        #expect(plan.semantics.executionKind == .resumePending)
        #expect(plan.signal == .requestImmediateProcessing)

        let prompt = Input.prompt(PromptInput(content: .text("hi")))
        #expect(try PolicyTable.resolve(prompt, context: Self.idle).signal == .wakeLoop)
        #expect(try PolicyTable.resolve(prompt, context: Self.running).signal == .none)
    }
}
