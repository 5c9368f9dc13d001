import Foundation
public import MeerkatCore

/// A batch the machine authorises for the next run (RUNTIME.md §7.3).
public struct RunBatch: Sendable, Hashable {
    /// The lane it came from.
    public var lane: InputLane
    /// Members in order.
    public var inputIDs: [InputID]
}

/// How a run's contributors are settled (RUNTIME.md §7.5).
public enum RunDisposition: Sendable, Hashable {
    /// The boundary applied and the run completed: contributors consumed at `boundarySequence`.
    case consumed(boundarySequence: UInt64)
    /// The attempt failed: contributors go back to their lane (attempt cap applies).
    case replay
    /// Hard-cancelled: contributors abandoned `cancelled`, never requeued.
    case cancelled
    /// The executor never began and the in-flight fate is unknown: abandoned `never_executed`.
    case neverExecuted
}

/// What settling a run did to each contributor.
public struct RunSettlement: Sendable, Hashable {
    public var consumed: [InputID] = []
    public var requeued: [InputID] = []
    public var abandoned: [InputID] = []
    /// True when other queued work exists and the failed members were deferred behind it.
    public var deferredBehindBacklog = false
}

extension RuntimeMachine {
    /// The next authorised batch, or nil when nothing may run now. Steer lane first; a prompt runs alone;
    /// otherwise the maximal prefix sharing the head's semantics.
    public func nextBatch() -> RunBatch? {
        guard state.queueAdmission == .newRun else { return nil }
        let steer = queued(.steer)
        if let head = steer.first, let headFacts = inputs[head] {
            let members = steer.prefix { id in
                guard let facts = inputs[id] else { return false }
                return facts.semantics.boundary == headFacts.semantics.boundary
                    && facts.semantics.executionKind == headFacts.semantics.executionKind
                    && facts.semantics.peerResponseTerminalApplyIntent
                        == headFacts.semantics.peerResponseTerminalApplyIntent
            }
            return RunBatch(lane: .steer, inputIDs: Array(members))
        }
        let queue = queued(.queue)
        guard let head = queue.first, let headFacts = inputs[head] else { return nil }
        if headFacts.isPrompt { return RunBatch(lane: .queue, inputIDs: [head]) }
        let members = queue.prefix { id in
            guard let facts = inputs[id], !facts.isPrompt else { return false }
            return facts.semantics.executionKind == headFacts.semantics.executionKind
                && facts.semantics.peerResponseTerminalApplyIntent
                    == headFacts.semantics.peerResponseTerminalApplyIntent
        }
        return RunBatch(lane: .queue, inputIDs: Array(members))
    }

    /// Starts a run for the authorised batch: `Prepare` (idle/attached → running) or `DrainQueuedRun`
    /// (retired → running), then `StageForRun` for every member. Steer batches on a runtime that was not running
    /// are normalised to ordinary queued turns.
    public mutating func beginRun(_ run: RunID, batch: RunBatch) throws(MachineGuardError) {
        guard state.queueAdmission == .newRun else {
            if state == .destroyed { throw .destroyed }
            throw .notReady(operation: "prepare_run", state: state)
        }
        guard nextBatch() == batch, !batch.inputIDs.isEmpty else { throw .batchNotAuthorised(batch.inputIDs) }
        stage(run, authorised: batch)
    }

    /// Stages a batch `nextBatch()` just returned (the guards of `beginRun` hold by construction).
    private mutating func stage(_ run: RunID, authorised batch: RunBatch) {
        beginEvent("StageForRun")
        startRunning(run)
        pendingEvents.append(.runStarted(run))
        for id in batch.inputIDs {
            if batch.lane == .steer, let semantics = inputs[id]?.semantics {
                inputs[id]?.semantics = semantics.normalizedToQueue()
            }
            inputs[id]?.lane = nil
            inputs[id]?.lastRunID = run
            inputs[id]?.attempts += 1
            move(id, to: .staged)
            pendingEvents.append(.inputStaged(id, runID: run))
        }
    }

    /// Mints the next boundary sequence of the current run.
    public mutating func recordBoundary(_ run: RunID) throws(MachineGuardError) -> UInt64 {
        try mintBoundary(run)
    }

    /// Settles the current run's staged contributors and returns the runtime to its pre-run phase.
    /// `outcome` is the public completion of the run: recorded for members that end and told to every member's
    /// waiters (a requeued member's waiter learns about the failed attempt, RUNTIME.md §7.5). Without it, ended
    /// members record the classifier's default and requeued ones tell nobody.
    public mutating func finishRun(_ run: RunID, _ disposition: RunDisposition, outcome: CompletionOutcome? = nil)
        throws(MachineGuardError) -> RunSettlement
    {
        guard currentRun == run, state == .running else { throw .staleRun(expected: currentRun, got: run) }
        let members = ordered { $0.lastRunID == run && $0.phase == .staged }
        var settlement = RunSettlement()
        switch disposition {
        case .consumed(let sequence):
            beginEvent("BoundaryApplied", writesLifecycle: true)
            for id in members {
                move(id, to: .applied)
                pendingEvents.append(.inputApplied(id, runID: run))
                move(id, to: .appliedPendingConsumption)
                inputs[id]?.boundarySequence = sequence
                terminalise(id, .consumed, completion: outcome)
                settlement.consumed.append(id)
            }
            pendingEvents.append(.runCompleted(run))
        case .replay:
            beginEvent("ResolveStagedRollback", writesLifecycle: true)
            let others = hasQueuedInput
            for id in members {
                guard let facts = inputs[id] else { continue }
                if facts.attempts < InputStateSeed.maxStageAttempts {
                    // RollbackStaged: back to the lane, run association removed (it survives only rollback-to-terminal).
                    inputs[id]?.lane = facts.recoveryLane
                    inputs[id]?.lastRunID = nil
                    move(id, to: .queued)
                    if let outcome { notify(id, outcome) }
                    settlement.requeued.append(id)
                } else {
                    terminalise(
                        id, .abandoned(reason: .maxAttemptsExhausted(attempts: facts.attempts)), completion: outcome)
                    settlement.abandoned.append(id)
                }
            }
            // RUNTIME.md §7.8: when other work waits, the failed members go behind it so they cannot starve it.
            if others {
                for id in settlement.requeued {
                    let sequence = mintSequence()
                    inputs[id]?.admissionSequence = sequence
                }
                settlement.deferredBehindBacklog = !settlement.requeued.isEmpty
            }
        case .cancelled:
            beginEvent("RunFailed", writesLifecycle: true)
            for id in members {
                terminalise(id, .abandoned(reason: .cancelled), completion: outcome)
                settlement.abandoned.append(id)
            }
            pendingEvents.append(.runCancelled(run))
        case .neverExecuted:
            beginEvent("RunFailed", writesLifecycle: true)
            for id in members {
                terminalise(id, .abandoned(reason: .neverExecuted), completion: outcome)
                settlement.abandoned.append(id)
            }
        }
        setState(preRunPhase ?? .idle)
        return settlement
    }

    /// Inputs of the steer lane that can be delivered live into the current run, in order.
    public func liveSteerCandidates() -> [InputID] {
        guard state == .running else { return [] }
        return queued(.steer).filter { inputs[$0]?.semantics.contributesLiveSteerContext == true }
    }

    /// Consumes live steers at a checkpoint of the current run under one new boundary sequence (RUNTIME.md §7.6).
    public mutating func applyLiveSteers(_ ids: [InputID], run: RunID) throws(MachineGuardError) -> UInt64 {
        guard currentRun == run, state == .running else { throw .staleRun(expected: currentRun, got: run) }
        var eligible = Set(liveSteerCandidates())
        for id in ids where eligible.remove(id) == nil {
            // Not a candidate, or named twice (it would stage an already consumed input again).
            throw .illegalTransition(input: id, from: inputs[id]?.phase ?? .accepted, transition: "live_steer")
        }
        beginEvent("LiveBoundaryApplied")
        let sequence = try mintBoundary(run)
        for id in ids {
            inputs[id]?.lane = nil
            inputs[id]?.lastRunID = run
            inputs[id]?.attempts += 1
            move(id, to: .staged)
            move(id, to: .applied)
            move(id, to: .appliedPendingConsumption)
            inputs[id]?.boundarySequence = sequence
            terminalise(id, .consumed, completion: .completedWithoutResult)
        }
        return sequence
    }

    /// `LiveBoundaryUnavailable`: a live steer that could not reach a checkpoint becomes an ordinary queued turn.
    public mutating func liveBoundaryUnavailable(_ id: InputID) throws(MachineGuardError) {
        guard let facts = inputs[id] else { throw .unknownInput(id) }
        guard facts.phase == .queued, facts.lane == .steer else {
            throw .illegalTransition(input: id, from: facts.phase, transition: "live_boundary_unavailable")
        }
        touch(id, reason: "LiveBoundaryUnavailable", laneChange: facts.recoveryLane != .queue)
        inputs[id]?.lane = .queue
        inputs[id]?.recoveryLane = .queue
        inputs[id]?.semantics = facts.semantics.normalizedToQueue()
    }

    /// `LiveBoundaryUnavailable` for every queued live steer: at the end of a run, steers that found no checkpoint
    /// become ordinary queued turns. Returns them in order.
    public mutating func fallBackUnclaimedLiveSteers() -> [InputID] {
        let unclaimed = queued(.steer).filter { inputs[$0]?.semantics.contributesLiveSteerContext == true }
        for id in unclaimed {
            guard let facts = inputs[id] else { continue }
            // The stored seed changes only when the recovery lane does; that change is recorded in history.
            touch(id, reason: "LiveBoundaryUnavailable", laneChange: facts.recoveryLane != .queue)
            inputs[id]?.lane = .queue
            inputs[id]?.recoveryLane = .queue
            inputs[id]?.semantics = facts.semantics.normalizedToQueue()
        }
        return unclaimed
    }

    /// `ResolveUnstageableQueuedInput`: queued inputs whose primitive could not be built take an attempt and go to
    /// the back of their lane, or are abandoned at the cap.
    public mutating func resolveUnstageable(_ ids: [InputID], outcome: CompletionOutcome? = nil)
        throws(MachineGuardError) -> [InputID]
    {
        // Check every member first: a refused call must leave the machine unchanged, and a member named twice would
        // take two attempts for one refusal.
        var seen = Set<InputID>()
        for id in ids {
            guard let facts = inputs[id] else { throw .unknownInput(id) }
            guard facts.phase == .queued, seen.insert(id).inserted else {
                throw .illegalTransition(input: id, from: facts.phase, transition: "resolve_unstageable")
            }
        }
        var abandoned: [InputID] = []
        for id in ids {
            guard let facts = inputs[id] else { continue }
            touch(id, reason: "ResolveUnstageableQueuedInput")
            let attempts = facts.attempts + 1
            inputs[id]?.attempts = attempts
            if attempts < InputStateSeed.maxStageAttempts {
                let sequence = mintSequence()
                inputs[id]?.admissionSequence = sequence
                if let outcome { notify(id, outcome) }
            } else {
                terminalise(id, .abandoned(reason: .maxAttemptsExhausted(attempts: attempts)), completion: outcome)
                abandoned.append(id)
            }
        }
        return abandoned
    }
}

// MARK: - The driver's run events

extension RuntimeMachine {
    /// Stages the next run (RUNTIME.md §7.2 steps 2–6): the next authorised batch becomes a primitive and its members
    /// are staged. A batch whose primitive cannot be built is refused first (`ResolveUnstageableQueuedInput`: each
    /// member takes an attempt and goes to the back of its lane, or is abandoned at the cap) and the next one tried.
    /// Returns the run to start, nil when nothing may run.
    public mutating func stageNextRun(_ run: RunID) throws(MachineGuardError) -> MachineEffects.StartRun? {
        while let batch = nextBatch() {
            switch primitive(for: batch) {
            case .success(let primitive):
                stage(run, authorised: batch)  // nextBatch() authorised it in this event: no second selection
                let start = MachineEffects.StartRun(runID: run, primitive: primitive, batch: batch)
                effect { $0.startRun = start }
                return start
            case .failure(let error):
                let report = ErrorReport(
                    errorClass: .internal, reason: "primitive_rejected", message: error.description)
                _ = try resolveUnstageable(
                    batch.inputIDs, outcome: .abandonedWithError(reason: "primitive_rejected", error: report))
            }
        }
        return nil
    }

    /// The primitive of a batch, built from the payloads the machine keeps.
    func primitive(for batch: RunBatch) -> Result<RunPrimitive, PrimitiveBuildError> {
        var members: [PrimitiveBuilder.Member] = []
        for id in batch.inputIDs {
            guard let facts = inputs[id], let input = facts.shell.persistedInput else {
                return .failure(.missingPayload(id))
            }
            var semantics = facts.semantics
            if batch.lane == .steer { semantics = semantics.normalizedToQueue() }
            members.append(
                PrimitiveBuilder.Member(
                    input: input, semantics: semantics, appliedToTranscript: facts.shell.appliedToTranscript))
        }
        do throws(PrimitiveBuildError) {
            return .success(try PrimitiveBuilder.build(members))
        } catch {
            return .failure(error)
        }
    }

    /// The run reached its terminal boundary (RUNTIME.md §7.5): the next boundary sequence stamps the executor's
    /// receipt, the members are consumed with `outcome`, live steers that found no checkpoint fall back to the queue,
    /// and the receipt, the session and the lifecycle row are committed together.
    public mutating func completeRun(
        _ run: RunID, receipt draft: RunBoundaryReceiptDraft, session: Session?, outcome: CompletionOutcome
    ) throws(MachineGuardError) -> RunSettlement {
        let sequence = try recordBoundary(run)
        let settlement = try finishRun(run, .consumed(boundarySequence: sequence), outcome: outcome)
        fallBackAtRunEnd()
        effect {
            $0.receipt = draft.stamped(runID: run, sequence: sequence)
            $0.session = session
        }
        return settlement
    }

    /// The run ended without its boundary: the members are settled by `disposition` with `outcome`, unclaimed live
    /// steers fall back to the queue, and with `detachExecutor` the executor is handed off (teardown).
    public mutating func failRun(
        _ run: RunID, _ disposition: RunDisposition, outcome: CompletionOutcome, detachExecutor: Bool = false
    ) throws(MachineGuardError) -> RunSettlement {
        let settlement = try finishRun(run, disposition, outcome: outcome)
        fallBackAtRunEnd()
        if detachExecutor {
            detach()
            effect { $0.detachExecutor = true }
        }
        return settlement
    }

    private mutating func fallBackAtRunEnd() {
        if !fallBackUnclaimedLiveSteers().isEmpty { effect { $0.wake = true } }
    }

    /// A checkpoint of the current run (RUNTIME.md §7.6): every queued live steer is consumed under one new boundary
    /// sequence, its receipt committed, and its content delivered into the running turn as request-only context.
    public mutating func deliverLiveSteers(_ run: RunID, messageCount: Int) throws(MachineGuardError)
        -> [SteerContext]
    {
        let ids = liveSteerCandidates()
        guard !ids.isEmpty else { return [] }
        let contexts = ids.compactMap { id -> SteerContext? in
            guard let input = inputs[id]?.shell.persistedInput else { return nil }
            return SteerContext(inputID: id, content: [.text(input.projection().renderedSteerText)])
        }
        let sequence = try applyLiveSteers(ids, run: run)
        let receipt = RunBoundaryReceipt(
            runID: run, boundary: .runCheckpoint, contributingInputIDs: ids, messageCount: messageCount,
            sequence: sequence)
        effect {
            $0.receipt = receipt
            $0.steerContexts = contexts
        }
        return contexts
    }
}
