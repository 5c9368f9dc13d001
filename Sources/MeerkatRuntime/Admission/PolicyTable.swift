import MeerkatCore

/// The admission decision table (RUNTIME.md §4.2): (kind, lane hint, continuation kind, R/B/W/S) → plan.
///
/// Unless a row says otherwise: queue mode `fifo`, consume `on_run_complete`, execution kind
/// `content_turn`, transcript recorded, no terminal intent. `W` (accept without wake) clears every flag
/// and forces wake mode `none`. `S` (silent intent) only applies to `peer_request`.
public enum PolicyTable {
    /// Resolves the plan for an input's kind and hints, or throws for an uncovered combination.
    ///
    /// - Parameter continuationKind: only for continuations; nil there means `ordinary`.
    public static func resolve(
        kind: InputKind, lane: InputLane?, continuationKind: ContinuationKind? = nil, context: AdmissionContext
    ) throws(PolicyError) -> AdmissionPlan {
        if kind != .continuation, let continuationKind {
            throw .continuationKindNotApplicable(kind: kind, continuationKind: continuationKind)
        }
        switch kind {
        case .prompt, .flowStep, .externalEvent:
            return lane == .steer ? steerTurn(context) : queuedTurn(context)
        case .peerMessage, .peerRequest:
            let silent = kind == .peerRequest && context.silentIntent
            switch lane {
            case .none: return peerWithoutHint(context, silent: silent)
            case .queue: return peerQueued(context, silent: silent)
            case .steer: return peerSteered(context, silent: silent)
            }
        case .peerResponseProgress:
            if let lane { throw .laneNotAllowed(kind: kind, lane: lane) }
            return peerProgress(context)
        case .peerResponseTerminal:
            return lane == .steer ? peerTerminalSteered(context) : peerTerminalQueued(context)
        case .continuation:
            if continuationKind == .workgraphAttention { return workgraphAttention(context) }
            // A continuation without a lane is unreachable from real inputs; the machine treats it as steer.
            return lane == .queue ? continuationQueued(context) : continuationSteered(context)
        case .operation:
            if let lane { throw .laneNotAllowed(kind: kind, lane: lane) }
            return operation()
        }
    }

    /// Resolves the plan for an input, using its kind, lane hint and continuation kind.
    public static func resolve(_ input: Input, context: AdmissionContext) throws(PolicyError) -> AdmissionPlan {
        try resolve(
            kind: input.kind, lane: input.requestedLane, continuationKind: input.continuationKind, context: context)
    }

    // MARK: - Rows

    /// prompt / flow_step / external_event, hint none or queue.
    private static func queuedTurn(_ context: AdmissionContext) -> AdmissionPlan {
        let wake = context.idleWake
        return plan(
            apply: .stageRunStart, wake: wake ? .wakeIfIdle : .none, drain: .queueNextTurn, lane: .queue,
            semantics: RuntimeInputSemantics(boundary: .runStart), flags: AdmissionFlags(wakeIfIdle: wake))
    }

    /// prompt / flow_step / external_event, hint steer.
    private static func steerTurn(_ context: AdmissionContext) -> AdmissionPlan {
        plan(
            apply: .stageRunBoundary, wake: steerWake(context, silent: false), drain: .steerBatch, lane: .steer,
            semantics: RuntimeInputSemantics(boundary: .runCheckpoint, liveInterruptRequired: true),
            flags: AdmissionFlags(requestImmediateProcessing: !context.withoutWake))
    }

    /// peer_message / peer_request without hint: interrupts yielding points of a live turn.
    private static func peerWithoutHint(_ context: AdmissionContext, silent: Bool) -> AdmissionPlan {
        let quiet = context.withoutWake || silent
        return plan(
            apply: .stageRunStart, wake: steerWake(context, silent: silent), drain: .queueNextTurn, lane: .queue,
            semantics: RuntimeInputSemantics(boundary: .runStart),
            flags: AdmissionFlags(
                interruptYielding: !quiet && context.turnLive, wakeIfIdle: !quiet && !context.turnLive))
    }

    /// peer_message / peer_request with hint queue: never disturbs a live turn.
    private static func peerQueued(_ context: AdmissionContext, silent: Bool) -> AdmissionPlan {
        let wake = context.idleWake && !silent
        return plan(
            apply: .stageRunStart, wake: wake ? .wakeIfIdle : .none, drain: .queueNextTurn, lane: .queue,
            semantics: RuntimeInputSemantics(boundary: .runStart), flags: AdmissionFlags(wakeIfIdle: wake))
    }

    /// peer_message / peer_request with hint steer; a silent intent forces the RunStart boundary.
    private static func peerSteered(_ context: AdmissionContext, silent: Bool) -> AdmissionPlan {
        plan(
            apply: silent ? .stageRunStart : .stageRunBoundary, wake: steerWake(context, silent: silent),
            drain: .steerBatch, lane: .steer,
            semantics: RuntimeInputSemantics(
                boundary: silent ? .runStart : .runCheckpoint,
                executionHandlingMode: context.running ? nil : .queue, liveInterruptRequired: true),
            flags: AdmissionFlags(requestImmediateProcessing: !context.withoutWake && !silent))
    }

    /// peer_response_progress: passive, coalescing, steer lane.
    private static func peerProgress(_ context: AdmissionContext) -> AdmissionPlan {
        plan(
            apply: .stageRunBoundary, wake: .none, queue: .coalesce, drain: .steerBatch, lane: .steer,
            semantics: RuntimeInputSemantics(
                boundary: .runCheckpoint, executionHandlingMode: context.running ? nil : .queue,
                liveInterruptRequired: true),
            flags: .none)
    }

    /// peer_response_terminal, hint none or queue: wakes even while running so the reaction turn follows.
    private static func peerTerminalQueued(_ context: AdmissionContext) -> AdmissionPlan {
        let wake = !context.withoutWake
        return plan(
            apply: .stageRunStart, wake: wake ? .wakeIfIdle : .none, drain: .queueNextTurn, lane: .queue,
            semantics: RuntimeInputSemantics(
                boundary: .runStart, peerResponseTerminalApplyIntent: .appendContentAndRun),
            flags: AdmissionFlags(wakeIfIdle: wake))
    }

    /// peer_response_terminal, hint steer: immediate, but always a durable notice and a RunStart turn.
    private static func peerTerminalSteered(_ context: AdmissionContext) -> AdmissionPlan {
        plan(
            apply: .stageRunStart, wake: steerWake(context, silent: false), drain: .steerBatch, lane: .steer,
            semantics: RuntimeInputSemantics(
                boundary: .runStart, peerResponseTerminalApplyIntent: .appendContentAndRun,
                liveInterruptRequired: true),
            flags: AdmissionFlags(requestImmediateProcessing: !context.withoutWake))
    }

    /// ordinary continuation, hint queue: resume pending work at the next turn.
    private static func continuationQueued(_ context: AdmissionContext) -> AdmissionPlan {
        let wake = context.idleWake
        return plan(
            apply: .stageRunStart, wake: wake ? .wakeIfIdle : .none, drain: .queueNextTurn, lane: .queue,
            semantics: RuntimeInputSemantics(boundary: .runStart, executionKind: .resumePending),
            flags: AdmissionFlags(wakeIfIdle: wake), recordTranscript: false)
    }

    /// ordinary continuation, hint steer (the normal system continuation) or no hint.
    private static func continuationSteered(_ context: AdmissionContext) -> AdmissionPlan {
        plan(
            apply: .stageRunBoundary, wake: steerWake(context, silent: false), drain: .steerBatch, lane: .steer,
            semantics: RuntimeInputSemantics(
                boundary: .runCheckpoint, executionKind: .resumePending, liveInterruptRequired: true),
            flags: AdmissionFlags(requestImmediateProcessing: !context.withoutWake), recordTranscript: false)
    }

    /// workgraph_attention continuation, any hint: a fresh queued content turn.
    private static func workgraphAttention(_ context: AdmissionContext) -> AdmissionPlan {
        let wake = context.idleWake
        return plan(
            apply: .stageRunStart, wake: wake ? .wakeIfIdle : .none, drain: .queueNextTurn, lane: .queue,
            semantics: RuntimeInputSemantics(boundary: .runStart), flags: AdmissionFlags(wakeIfIdle: wake),
            recordTranscript: false)
    }

    /// operation: consumed on accept, never run.
    private static func operation() -> AdmissionPlan {
        AdmissionPlan(
            decision: PolicyDecision(
                applyMode: .ignore, wakeMode: .none, queueMode: .priority, consumePoint: .onAccept,
                drainPolicy: .ignore, routingDisposition: .drop, recordTranscript: false),
            semantics: RuntimeInputSemantics(boundary: .runStart), lane: .queue, flags: .none,
            disposition: .consumedOnAccept)
    }

    // MARK: - Helpers

    /// Wake of the steer-like rows: W ∨ S → none; R ∨ B → interrupt_yielding; else wake_if_idle.
    private static func steerWake(_ context: AdmissionContext, silent: Bool) -> WakeMode {
        if context.withoutWake || silent { return .none }
        return context.turnLive ? .interruptYielding : .wakeIfIdle
    }

    private static func plan(
        apply: ApplyMode, wake: WakeMode, queue: QueueMode = .fifo, drain: DrainPolicy, lane: InputLane,
        semantics: RuntimeInputSemantics, flags: AdmissionFlags, recordTranscript: Bool = true
    ) -> AdmissionPlan {
        AdmissionPlan(
            decision: PolicyDecision(
                applyMode: apply, wakeMode: wake, queueMode: queue, consumePoint: .onRunComplete, drainPolicy: drain,
                routingDisposition: lane == .steer ? .steer : .queue, recordTranscript: recordTranscript),
            semantics: semantics, lane: lane, flags: flags, disposition: .queued)
    }
}
