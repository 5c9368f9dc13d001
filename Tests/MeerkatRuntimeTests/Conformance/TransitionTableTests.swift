import Foundation
import MeerkatCore
import Testing

@testable import MeerkatRuntime

/// RUNTIME.md §5.3 (input transitions and their guards), §8 (runtime state transitions) and §7.3 (batch selection),
/// one named test per row, on the pure `RuntimeMachine`.
@Suite("Transition tables (RUNTIME.md §5.3, §7.3, §8)")
struct TransitionTableTests {
    // MARK: Helpers

    /// A machine brought into `state` through legal transitions only (events and signals drained).
    static func machine(in state: RuntimeState) throws -> RuntimeMachine {
        var machine = RuntimeMachine(runtimeID: "rt:conformance")
        switch state {
        case .initializing:
            break
        case .idle:
            try machine.initialize()
        case .attached:
            try machine.initialize()
            try machine.attach()
        case .running:
            try machine.initialize()
            try machine.attach()
            _ = try machine.admit(Inputs.prompt("running"))
            try machine.beginRun(RunID(), batch: try #require(machine.nextBatch()))
        case .retired:
            try machine.initialize()
            try machine.attach()
            try machine.retire()
        case .stopped:
            try machine.initialize()
            try machine.attach()
            _ = try machine.stop()
        case .destroyed:
            try machine.initialize()
            _ = try machine.destroy()
        }
        #expect(machine.state == state)
        _ = machine.takeEvents()
        _ = machine.takeSignal()
        return machine
    }

    /// Admits an input that must be accepted and returns its id.
    @discardableResult
    static func admit(_ machine: inout RuntimeMachine, _ input: Input) throws -> InputID {
        guard case .accepted = try machine.admit(input) else {
            Issue.record("expected \(input.kind) to be accepted")
            return input.id
        }
        return input.id
    }

    /// Stages the machine's next batch for a fresh run.
    static func stageNext(_ machine: inout RuntimeMachine) throws -> (RunID, RunBatch) {
        let run = RunID()
        let batch = try #require(machine.nextBatch())
        try machine.beginRun(run, batch: batch)
        return (run, batch)
    }

    static func steerPeer(_ text: String) -> Input { Inputs.peer(text, mode: .steer) }

    static func continuation(_ mode: HandlingMode) -> Input {
        .continuation(ContinuationInput(reason: "resume", handlingMode: mode))
    }

    static func event(_ type: String, supersession: String) -> Input {
        .externalEvent(
            ExternalEventInput(
                header: InputHeader(supersessionKey: SupersessionKey(supersession)), eventType: type,
                payload: ["body": .string(type)]))
    }

    static func progress(_ text: String, key: String) -> Input {
        Inputs.peer(text, convention: .responseProgress(requestID: "r1", phase: .inProgress), supersession: key)
    }

    // MARK: §5.3 input transitions

    @Test func queueAccepted_entersQueueLaneWithZeroAttemptsAndNextAdmissionSequence() throws {
        var machine = try Self.machine(in: .attached)
        let first = try Self.admit(&machine, Inputs.prompt("a"))
        let second = try Self.admit(&machine, Inputs.prompt("b"))
        let facts = try #require(machine.facts(first))
        #expect(facts.phase == .queued && facts.lane == .queue && facts.recoveryLane == .queue)
        #expect(facts.attempts == 0 && facts.lastRunID == nil && facts.terminal == nil)
        #expect(try #require(machine.facts(second)).admissionSequence > facts.admissionSequence)
        #expect(machine.queued(.queue) == [first, second])
        #expect(
            machine.takeEvents().map(\.code) == ["input.accepted", "input.queued", "input.accepted", "input.queued"])
    }

    @Test func steerAccepted_entersSteerLaneWithLiveInterruptRequired() throws {
        var machine = try Self.machine(in: .attached)
        let id = try Self.admit(&machine, Inputs.event("urgent", mode: .steer))
        let facts = try #require(machine.facts(id))
        #expect(facts.phase == .queued && facts.lane == .steer && facts.recoveryLane == .steer)
        #expect(facts.attempts == 0)
        #expect(facts.semantics.liveInterruptRequired)
        #expect(machine.queued(.steer) == [id] && machine.queued(.queue).isEmpty)
    }

    @Test func stageForRun_leavesLaneAssociatesRunAndCountsAnAttempt() throws {
        var machine = try Self.machine(in: .attached)
        let id = try Self.admit(&machine, Inputs.prompt("a"))
        let (run, _) = try Self.stageNext(&machine)
        var facts = try #require(machine.facts(id))
        #expect(facts.phase == .staged && facts.lane == nil)
        #expect(facts.lastRunID == run && facts.attempts == 1)
        #expect(machine.currentRun == run)
        let events = machine.takeEvents()
        #expect(events.contains(.inputStaged(id, runID: run)))
        #expect(events.contains(.inputStateTransitioned(id, from: .queued, to: .staged)))

        _ = try machine.finishRun(run, .replay)
        let (rerun, _) = try Self.stageNext(&machine)
        facts = try #require(machine.facts(id))
        #expect(facts.lastRunID == rerun && facts.attempts == 2)
    }

    @Test func rollbackStaged_belowTheCapRequeuesInTheRecoveryLaneAndDropsTheRunAssociation() throws {
        var machine = try Self.machine(in: .attached)
        let id = try Self.admit(&machine, Inputs.event("steered", mode: .steer))
        let (run, batch) = try Self.stageNext(&machine)
        #expect(batch.lane == .steer)
        let settlement = try machine.finishRun(run, .replay)
        #expect(settlement.requeued == [id] && settlement.abandoned.isEmpty && !settlement.deferredBehindBacklog)
        let facts = try #require(machine.facts(id))
        #expect(facts.phase == .queued && facts.lane == .steer)
        #expect(facts.attempts == 1)
        #expect(facts.lastRunID == nil)  // RollbackStaged: run association removed
        #expect(facts.terminal == nil)
        #expect(machine.state == .attached && machine.currentRun == nil)
    }

    @Test func resolveStagedRollback_atTheThreeAttemptCapAbandonsMaxAttemptsExhausted() throws {
        var machine = try Self.machine(in: .attached)
        let id = try Self.admit(&machine, Inputs.prompt("flaky"))
        var lastRun: RunID?
        for attempt in 1...InputStateSeed.maxStageAttempts {
            let (run, _) = try Self.stageNext(&machine)
            lastRun = run
            let settlement = try machine.finishRun(run, .replay)
            if attempt < InputStateSeed.maxStageAttempts {
                #expect(settlement.requeued == [id])
            } else {
                #expect(settlement.abandoned == [id] && settlement.requeued.isEmpty)
            }
        }
        let facts = try #require(machine.facts(id))
        #expect(facts.phase == .abandoned)
        #expect(facts.terminal == .abandoned(reason: .maxAttemptsExhausted(attempts: 3)))
        #expect(facts.attempts == 3)
        #expect(facts.lastRunID == lastRun)  // the association survives rollback-to-terminal
        #expect(machine.nextBatch() == nil)
    }

    @Test func resolveStagedRollback_defersFailedMembersBehindQueuedBacklog() throws {
        var machine = try Self.machine(in: .attached)
        let failing = try Self.admit(&machine, Inputs.prompt("fails"))
        let behind = try Self.admit(&machine, Inputs.prompt("waits"))
        let (run, _) = try Self.stageNext(&machine)
        let settlement = try machine.finishRun(run, .replay)
        #expect(settlement.deferredBehindBacklog)
        #expect(machine.queued(.queue) == [behind, failing])

        // Alone in the queue, the failed input keeps the head.
        var lonely = try Self.machine(in: .attached)
        let only = try Self.admit(&lonely, Inputs.prompt("alone"))
        let (soloRun, _) = try Self.stageNext(&lonely)
        #expect(!(try lonely.finishRun(soloRun, .replay)).deferredBehindBacklog)
        #expect(lonely.queued(.queue) == [only])
    }

    @Test func resolveUnstageableQueuedInput_takesAnAttemptMovesBackThenAbandonsAtTheCap() throws {
        var machine = try Self.machine(in: .attached)
        let refused = try Self.admit(&machine, Inputs.prompt("refused"))
        let other = try Self.admit(&machine, Inputs.prompt("other"))
        #expect(try machine.resolveUnstageable([refused]).isEmpty)
        #expect(try #require(machine.facts(refused)).attempts == 1)
        #expect(machine.queued(.queue) == [other, refused])
        #expect(try machine.resolveUnstageable([refused]).isEmpty)
        #expect(try #require(machine.facts(refused)).attempts == 2)
        #expect(try machine.resolveUnstageable([refused]) == [refused])
        let facts = try #require(machine.facts(refused))
        #expect(facts.terminal == .abandoned(reason: .maxAttemptsExhausted(attempts: 3)))
        #expect(facts.lane == nil && machine.queued(.queue) == [other])

        // Only queued inputs can be resolved this way.
        _ = try Self.stageNext(&machine)
        let notQueued = MachineGuardError.illegalTransition(
            input: other, from: .staged, transition: "resolve_unstageable")
        #expect(throws: notQueued) { _ = try machine.resolveUnstageable([other]) }
        let unknown = InputID()
        #expect(throws: MachineGuardError.unknownInput(unknown)) { _ = try machine.resolveUnstageable([unknown]) }
    }

    @Test func markApplied_thenAppliedPendingConsumption_thenConsumedViaFinishRun() throws {
        var machine = try Self.machine(in: .attached)
        let id = try Self.admit(&machine, Inputs.prompt("a"))
        let (run, _) = try Self.stageNext(&machine)
        _ = machine.takeEvents()
        let sequence = try machine.recordBoundary(run)
        let settlement = try machine.finishRun(run, .consumed(boundarySequence: sequence))
        #expect(settlement.consumed == [id])
        let transitions = machine.takeEvents().compactMap { event -> [InputLifecycleState]? in
            if case .inputStateTransitioned(id, let from, let to) = event { return [from, to] }
            return nil
        }
        #expect(
            transitions == [
                [.staged, .applied], [.applied, .appliedPendingConsumption], [.appliedPendingConsumption, .consumed],
            ]
        )
        let facts = try #require(machine.facts(id))
        #expect(facts.phase == .consumed && facts.terminal == .consumed)
        #expect(facts.boundarySequence == 1 && facts.lastRunID == run)
        #expect(machine.state == .attached)
    }

    @Test func recordBoundarySeq_isDensePerRun_liveCheckpointsFirstThenTheTerminal() throws {
        var machine = try Self.machine(in: .attached)
        try Self.admit(&machine, Inputs.prompt("long"))
        let (run, _) = try Self.stageNext(&machine)
        let steer = try Self.admit(&machine, Self.steerPeer("look here"))
        #expect(machine.liveSteerCandidates() == [steer])
        #expect(try machine.applyLiveSteers([steer], run: run) == 1)
        let steered = try #require(machine.facts(steer))
        #expect(steered.phase == .consumed && steered.boundarySequence == 1)
        #expect(steered.lastRunID == run && steered.attempts == 1)
        #expect(try machine.recordBoundary(run) == 2)
        _ = try machine.finishRun(run, .consumed(boundarySequence: 2))

        try Self.admit(&machine, Inputs.prompt("next"))
        let (next, _) = try Self.stageNext(&machine)
        #expect(try machine.recordBoundary(next) == 1)  // the counter is per run
    }

    @Test func consumeOnAccept_operationIsConsumedAtAdmissionAndNeverQueued() throws {
        var machine = try Self.machine(in: .attached)
        let id = try Self.admit(&machine, Inputs.operation())
        let facts = try #require(machine.facts(id))
        #expect(facts.phase == .consumed && facts.terminal == .consumed && facts.lane == nil)
        #expect(machine.activeInputIDs.isEmpty && !machine.hasQueuedInput && machine.nextBatch() == nil)
        #expect(machine.takeEvents() == [.inputAccepted(id), .inputConsumed(id, runID: nil)])
    }

    @Test func coalesceInput_onlyTheOlderQueuedProgressOfTheSameScope() throws {
        var machine = try Self.machine(in: .attached)
        let first = try Self.admit(&machine, Self.progress("10%", key: "job"))
        let otherScope = try Self.admit(&machine, Self.progress("x", key: "other-job"))
        let second = try Self.admit(&machine, Self.progress("20%", key: "job"))
        #expect(try #require(machine.facts(first)).terminal == .coalesced(aggregateID: second))
        #expect(try #require(machine.facts(first)).lane == nil)
        #expect(try #require(machine.facts(otherScope)).phase == .queued)
        #expect(machine.queued(.steer) == [otherScope, second])

        // Kinds other than progress never coalesce, even with the same supersession key.
        let eventA = try Self.admit(&machine, Self.event("a", supersession: "job"))
        let eventB = try Self.admit(&machine, Self.event("b", supersession: "job"))
        #expect(try #require(machine.facts(eventA)).phase == .queued)
        #expect(try #require(machine.facts(eventB)).phase == .queued)
    }

    @Test(arguments: [
        InputAbandonReason.retired, .reset, .stopped, .destroyed, .cancelled, .maxAttemptsExhausted(attempts: 3),
        .neverExecuted,
    ])
    func abandonInput_forEachReason(_ reason: InputAbandonReason) throws {
        var machine = try Self.machine(in: .attached)
        let id = try Self.admit(&machine, Inputs.prompt("doomed"))
        switch reason {
        case .retired: #expect(machine.abandonAllActive(.retired) == [id])
        case .reset: #expect(try machine.reset() == [id])
        case .stopped: #expect(try machine.stop() == [id])
        case .destroyed: #expect(try machine.destroy() == [id])
        case .cancelled:
            let (run, _) = try Self.stageNext(&machine)
            #expect(try machine.finishRun(run, .cancelled).abandoned == [id])
        case .maxAttemptsExhausted:
            for _ in 1...3 {
                let (run, _) = try Self.stageNext(&machine)
                _ = try machine.finishRun(run, .replay)
            }
        case .neverExecuted:
            let (run, _) = try Self.stageNext(&machine)
            #expect(try machine.finishRun(run, .neverExecuted).abandoned == [id])
        }
        let facts = try #require(machine.facts(id))
        #expect(facts.phase == .abandoned && facts.terminal == .abandoned(reason: reason) && facts.lane == nil)
        #expect(machine.takeEvents().contains(.inputAbandoned(id, reason: reason)))
        #expect(machine.activeInputIDs.isEmpty)
    }

    @Test func liveBoundaryUnavailable_movesASteerLaneInputToTheQueueLaneAsAnOrdinaryTurn() throws {
        var machine = try Self.machine(in: .running)
        let steer = try Self.admit(&machine, Self.steerPeer("now"))
        #expect(try #require(machine.facts(steer)).semantics.contributesLiveSteerContext)
        try machine.liveBoundaryUnavailable(steer)
        let facts = try #require(machine.facts(steer))
        #expect(facts.phase == .queued && facts.lane == .queue && facts.recoveryLane == .queue)
        #expect(facts.semantics.executionHandlingMode == .queue && !facts.semantics.liveInterruptRequired)
        #expect(machine.liveSteerCandidates().isEmpty)

        let notSteer = MachineGuardError.illegalTransition(
            input: steer, from: .queued, transition: "live_boundary_unavailable")
        #expect(throws: notSteer) { try machine.liveBoundaryUnavailable(steer) }
        let unknown = InputID()
        #expect(throws: MachineGuardError.unknownInput(unknown)) { try machine.liveBoundaryUnavailable(unknown) }
    }

    @Test func archiveTerminalInput_removesItAndReleasesTheLiveIdempotencyBinding() throws {
        var machine = try Self.machine(in: .idle)
        let key = IdempotencyKey("k-1")
        let id = try Self.admit(&machine, Inputs.prompt("once", key: "k-1"))
        #expect(machine.idempotency[key] == id)
        _ = try machine.reset()
        // Terminal but not archived: the live binding still deduplicates.
        guard case .deduplicated(let existing, _) = try machine.admit(Inputs.prompt("again", key: "k-1")) else {
            Issue.record("a live binding deduplicates")
            return
        }
        #expect(existing == id)
        try machine.archive(id)
        #expect(machine.facts(id) == nil && machine.idempotency[key] == nil)
        let fresh = Inputs.prompt("after archive", key: "k-1")
        guard case .accepted = try machine.admit(fresh) else {
            Issue.record("an archived binding no longer deduplicates in the live machine")
            return
        }
        #expect(machine.idempotency[key] == fresh.id)
    }

    // MARK: §5.3 guards

    @Test func guard_staleRunIDIsRefusedEverywhere() throws {
        var machine = try Self.machine(in: .attached)
        let steer = Self.steerPeer("s")
        try Self.admit(&machine, Inputs.prompt("a"))
        let (run, _) = try Self.stageNext(&machine)
        try Self.admit(&machine, steer)
        let stale = RunID()
        #expect(throws: MachineGuardError.staleRun(expected: run, got: stale)) {
            _ = try machine.finishRun(stale, .consumed(boundarySequence: 1))
        }
        #expect(throws: MachineGuardError.staleRun(expected: run, got: stale)) { _ = try machine.recordBoundary(stale) }
        #expect(throws: MachineGuardError.staleRun(expected: run, got: stale)) {
            _ = try machine.applyLiveSteers([steer.id], run: stale)
        }
        _ = try machine.finishRun(run, .consumed(boundarySequence: 1))
        #expect(throws: MachineGuardError.staleRun(expected: nil, got: run)) { _ = try machine.finishRun(run, .replay) }
    }

    @Test func guard_batchNotAuthorised() throws {
        var machine = try Self.machine(in: .attached)
        try Self.admit(&machine, Inputs.prompt("first"))
        let second = try Self.admit(&machine, Inputs.prompt("second"))
        let skipAhead = RunBatch(lane: .queue, inputIDs: [second])
        #expect(throws: MachineGuardError.batchNotAuthorised([second])) {
            try machine.beginRun(RunID(), batch: skipAhead)
        }
        #expect(throws: MachineGuardError.batchNotAuthorised([])) {
            try machine.beginRun(RunID(), batch: RunBatch(lane: .queue, inputIDs: []))
        }
        #expect(machine.state == .attached && machine.currentRun == nil)
    }

    @Test func guard_stagingWhileRunningIsNotReady() throws {
        var machine = try Self.machine(in: .running)
        try Self.admit(&machine, Inputs.prompt("queued behind"))
        #expect(machine.nextBatch() == nil)  // one run at a time
        let batch = RunBatch(lane: .queue, inputIDs: machine.queued(.queue))
        #expect(throws: MachineGuardError.notReady(operation: "prepare_run", state: .running)) {
            try machine.beginRun(RunID(), batch: batch)
        }
    }

    @Test(arguments: [RuntimeState.running, .stopped, .destroyed])
    func guard_resetIsRefusedWhileRunningStoppedOrDestroyed(_ state: RuntimeState) throws {
        var machine = try Self.machine(in: state)
        let expected: MachineGuardError =
            state == .destroyed ? .destroyed : .notReady(operation: "reset", state: state)
        #expect(throws: expected) { _ = try machine.reset() }
        #expect(machine.state == state)
    }

    @Test(arguments: [RuntimeState.initializing, .retired, .stopped, .destroyed])
    func guard_acceptIsRefusedOutsideIdleAttachedRunning(_ state: RuntimeState) throws {
        var machine = try Self.machine(in: state)
        let expected: MachineGuardError =
            state == .destroyed ? .destroyed : .notReady(operation: "accept_input", state: state)
        #expect(throws: expected) { _ = try machine.admit(Inputs.prompt("no")) }
        #expect(machine.inputs.isEmpty)
    }

    @Test func guard_acceptIsRefusedWhileRunningTowardsRetired() throws {
        var machine = try Self.machine(in: .running)
        try machine.retire()
        #expect(throws: MachineGuardError.notReady(operation: "accept_input", state: .retired)) {
            _ = try machine.admit(Inputs.prompt("late"))
        }
    }

    @Test func guard_archiveOfANonTerminalInput() throws {
        var machine = try Self.machine(in: .attached)
        let id = try Self.admit(&machine, Inputs.prompt("still queued"))
        #expect(throws: MachineGuardError.illegalTransition(input: id, from: .queued, transition: "archive")) {
            try machine.archive(id)
        }
        let unknown = InputID()
        #expect(throws: MachineGuardError.unknownInput(unknown)) { try machine.archive(unknown) }
    }

    @Test func guard_liveSteerOfANonSteerInput() throws {
        var machine = try Self.machine(in: .attached)
        try Self.admit(&machine, Inputs.prompt("running"))
        let (run, _) = try Self.stageNext(&machine)
        let queued = try Self.admit(&machine, Inputs.prompt("ordinary"))
        #expect(throws: MachineGuardError.illegalTransition(input: queued, from: .queued, transition: "live_steer")) {
            _ = try machine.applyLiveSteers([queued], run: run)
        }
        #expect(try #require(machine.facts(queued)).phase == .queued)
    }

    // MARK: §8 RuntimeState transitions

    @Test func initialize_fromInitializingOrStoppedToIdle() throws {
        for state in [RuntimeState.initializing, .stopped] {
            var machine = try Self.machine(in: state)
            try machine.initialize()
            #expect(machine.state == .idle)
        }
        var destroyed = try Self.machine(in: .destroyed)
        #expect(throws: MachineGuardError.destroyed) { try destroyed.initialize() }
    }

    @Test func attach_idleAndStoppedBecomeAttachedOthersUnchanged() throws {
        for (from, to) in [
            (RuntimeState.idle, RuntimeState.attached), (.stopped, .attached), (.attached, .attached),
            (.running, .running), (.retired, .retired),
        ] {
            var machine = try Self.machine(in: from)
            try machine.attach()
            #expect(machine.state == to, "attach from \(from)")
        }
        var initializing = try Self.machine(in: .initializing)
        #expect(throws: MachineGuardError.notReady(operation: "attach_executor", state: .initializing)) {
            try initializing.attach()
        }
        var destroyed = try Self.machine(in: .destroyed)
        #expect(throws: MachineGuardError.destroyed) { try destroyed.attach() }
    }

    @Test(arguments: [RuntimeState.idle, .attached])
    func prepare_fromIdleOrAttachedToRunningRememberingThePreRunPhase(_ state: RuntimeState) throws {
        var machine = try Self.machine(in: state)
        try Self.admit(&machine, Inputs.prompt("go"))
        _ = machine.takeEvents()
        let (run, _) = try Self.stageNext(&machine)
        #expect(machine.state == .running && machine.currentRun == run && machine.preRunPhase == state)
        #expect(machine.takeEvents().prefix(2) == [.runtimeStateChanged(from: state, to: .running), .runStarted(run)])
    }

    @Test func drainQueuedRun_fromRetiredRunsWithPreRunPhaseRetiredAndReturnsToRetired() throws {
        var machine = try Self.machine(in: .attached)
        let id = try Self.admit(&machine, Inputs.prompt("drain me"))
        try machine.retire()
        #expect(machine.state == .retired && machine.nextBatch() == RunBatch(lane: .queue, inputIDs: [id]))
        let (run, _) = try Self.stageNext(&machine)
        #expect(machine.state == .running && machine.preRunPhase == .retired)
        _ = try machine.finishRun(run, .consumed(boundarySequence: try machine.recordBoundary(run)))
        #expect(machine.state == .retired && machine.preRunPhase == nil && machine.currentRun == nil)
    }

    @Test(arguments: [RunDisposition.consumed(boundarySequence: 1), .replay, .cancelled, .neverExecuted])
    func commit_returnsToThePreRunPhase(_ disposition: RunDisposition) throws {
        for preRun in [RuntimeState.idle, .attached] {
            var machine = try Self.machine(in: preRun)
            try Self.admit(&machine, Inputs.prompt("x"))
            let (run, _) = try Self.stageNext(&machine)
            _ = try machine.finishRun(run, disposition)
            #expect(machine.state == preRun && machine.currentRun == nil && machine.preRunPhase == nil)
        }
    }

    @Test func retire_fromEachState() throws {
        for from in [RuntimeState.idle, .attached, .stopped, .retired] {
            var machine = try Self.machine(in: from)
            try machine.retire()
            #expect(machine.state == .retired, "retire from \(from)")
        }
        // Running: deferred until the run ends.
        var running = try Self.machine(in: .running)
        let run = try #require(running.currentRun)
        try running.retire()
        #expect(running.state == .running && running.preRunPhase == .retired)
        _ = try running.finishRun(run, .consumed(boundarySequence: 1))
        #expect(running.state == .retired)

        var initializing = try Self.machine(in: .initializing)
        #expect(throws: MachineGuardError.notReady(operation: "retire", state: .initializing)) {
            try initializing.retire()
        }
        var destroyed = try Self.machine(in: .destroyed)
        #expect(throws: MachineGuardError.destroyed) { try destroyed.retire() }
    }

    @Test(arguments: [RuntimeState.initializing, .idle, .attached, .retired])
    func reset_returnsToIdleAndClearsSilentIntents(_ from: RuntimeState) throws {
        var machine = try Self.machine(in: from)
        machine.silentIntents = ["quiet"]
        _ = try machine.reset()
        #expect(machine.state == .idle && machine.silentIntents.isEmpty && machine.currentRun == nil)
    }

    @Test func stop_fromEachState() throws {
        for (from, to) in [
            (RuntimeState.idle, RuntimeState.stopped), (.attached, .stopped), (.running, .stopped),
            (.retired, .retired),
        ] {
            var machine = try Self.machine(in: from)
            _ = try machine.stop()
            #expect(machine.state == to, "stop from \(from)")
            #expect(machine.currentRun == nil && machine.activeInputIDs.isEmpty)
        }
        var retiring = try Self.machine(in: .running)
        try retiring.retire()
        _ = try retiring.stop()
        #expect(retiring.state == .retired)

        var initializing = try Self.machine(in: .initializing)
        #expect(throws: MachineGuardError.notReady(operation: "stop_runtime_executor", state: .initializing)) {
            _ = try initializing.stop()
        }
        var destroyed = try Self.machine(in: .destroyed)
        #expect(throws: MachineGuardError.destroyed) { _ = try destroyed.stop() }
    }

    @Test(arguments: [RuntimeState.initializing, .idle, .attached, .running, .retired, .stopped])
    func destroy_fromAnyNonDestroyedState(_ from: RuntimeState) throws {
        var machine = try Self.machine(in: from)
        _ = try machine.destroy()
        #expect(machine.state == .destroyed && machine.state.isTerminal && machine.currentRun == nil)
        #expect(throws: MachineGuardError.destroyed) { _ = try machine.destroy() }
    }

    @Test func recycle_fromEachState() throws {
        for (from, to) in [(RuntimeState.idle, RuntimeState.idle), (.retired, .idle), (.attached, .attached)] {
            var machine = try Self.machine(in: from)
            _ = try machine.recycle()
            #expect(machine.state == to, "recycle from \(from)")
        }
        for refused in [RuntimeState.running, .initializing, .stopped] {
            var machine = try Self.machine(in: refused)
            #expect(throws: MachineGuardError.notReady(operation: "recycle", state: refused)) {
                _ = try machine.recycle()
            }
        }
        var destroyed = try Self.machine(in: .destroyed)
        #expect(throws: MachineGuardError.destroyed) { _ = try destroyed.recycle() }

        var withWork = try Self.machine(in: .attached)
        let queued = try Self.admit(&withWork, Inputs.prompt("kept"))
        #expect(try withWork.recycle() == [queued])
        #expect(withWork.queued(.queue) == [queued])
    }

    // MARK: §7.3 batch selection

    @Test func batch_steerLaneHasPriority() throws {
        var machine = try Self.machine(in: .attached)
        try Self.admit(&machine, Inputs.prompt("queued first"))
        let steer = try Self.admit(&machine, Inputs.event("steer", mode: .steer))
        #expect(machine.nextBatch() == RunBatch(lane: .steer, inputIDs: [steer]))
    }

    @Test func batch_promptsRunAlone() throws {
        var machine = try Self.machine(in: .attached)
        let first = try Self.admit(&machine, Inputs.prompt("one"))
        try Self.admit(&machine, Inputs.prompt("two"))
        #expect(machine.nextBatch() == RunBatch(lane: .queue, inputIDs: [first]))
    }

    @Test func batch_nonPromptPrefixStopsBeforeAPrompt() throws {
        var machine = try Self.machine(in: .attached)
        let a = try Self.admit(&machine, Inputs.event("a"))
        let b = try Self.admit(&machine, Inputs.peer("b"))
        try Self.admit(&machine, Inputs.prompt("c"))
        try Self.admit(&machine, Inputs.event("d"))
        #expect(machine.nextBatch() == RunBatch(lane: .queue, inputIDs: [a, b]))
    }

    @Test func batch_nonPromptPrefixStopsAtADifferentExecutionKindOrTerminalIntent() throws {
        var machine = try Self.machine(in: .attached)
        let event = try Self.admit(&machine, Inputs.event("content"))
        try Self.admit(&machine, Self.continuation(.queue))  // resume_pending
        try Self.admit(&machine, Inputs.event("later"))
        #expect(machine.nextBatch() == RunBatch(lane: .queue, inputIDs: [event]))

        var intent = try Self.machine(in: .attached)
        let message = try Self.admit(&intent, Inputs.peer("hello"))
        try Self.admit(&intent, Inputs.peer("done", convention: .responseTerminal(requestID: "r1", status: .completed)))
        #expect(intent.nextBatch() == RunBatch(lane: .queue, inputIDs: [message]))
    }

    @Test func batch_steerPrefixSharesBoundaryExecutionKindAndIntent() throws {
        var machine = try Self.machine(in: .attached)
        let a = try Self.admit(&machine, Inputs.event("a", mode: .steer))
        let b = try Self.admit(&machine, Inputs.peer("b", mode: .steer))
        try Self.admit(&machine, Self.continuation(.steer))  // resume_pending
        try Self.admit(&machine, Inputs.event("c", mode: .steer))
        #expect(machine.nextBatch() == RunBatch(lane: .steer, inputIDs: [a, b]))
    }

    @Test func batch_tiesOnAdmissionSequenceAreBrokenByInputID() throws {
        let runtimeID = LogicalRuntimeID("rt:ties")
        let events = (0..<3).map { Inputs.event("e\($0)") }
        let rows = try events.map { input -> StoredInputState in
            let plan = try PolicyTable.resolve(input, context: .idle)
            return StoredInputState(
                state: InputState(admitting: input, plan: plan, at: Date()),
                seed: .queued(lane: .queue, admissionSequence: 7))
        }
        let plan = try RuntimeMachine.recover(
            runtimeID: runtimeID, rows: rows.reversed(), receiptExists: { _, _ in nil }, now: Date())
        let byID = events.map(\.id).sorted()
        #expect(plan.machine.queued(.queue) == byID)
        #expect(plan.machine.nextBatch() == RunBatch(lane: .queue, inputIDs: byID))
    }
}
