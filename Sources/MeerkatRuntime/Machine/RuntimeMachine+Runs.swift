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
        preRunPhase = state
        currentRun = run
        boundaryCounter = 0
        setState(.running)
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
        guard currentRun == run else { throw .staleRun(expected: currentRun, got: run) }
        boundaryCounter += 1
        return boundaryCounter
    }

    /// Settles the current run's staged contributors and returns the runtime to its pre-run phase.
    public mutating func finishRun(_ run: RunID, _ disposition: RunDisposition) throws(MachineGuardError)
        -> RunSettlement
    {
        guard currentRun == run, state == .running else { throw .staleRun(expected: currentRun, got: run) }
        let members = inputs.filter { $0.value.lastRunID == run && $0.value.phase == .staged }
            .sorted { Self.order($0, $1) }.map(\.key)
        var settlement = RunSettlement()
        switch disposition {
        case .consumed(let sequence):
            for id in members {
                move(id, to: .applied)
                pendingEvents.append(.inputApplied(id, runID: run))
                move(id, to: .appliedPendingConsumption)
                inputs[id]?.boundarySequence = sequence
                terminalise(id, .consumed)
                settlement.consumed.append(id)
            }
            pendingEvents.append(.runCompleted(run))
        case .replay:
            let others = hasQueuedInput
            for id in members {
                guard let facts = inputs[id] else { continue }
                if facts.attempts < InputStateSeed.maxStageAttempts {
                    // RollbackStaged: back to the lane, run association removed (it survives only rollback-to-terminal).
                    inputs[id]?.lane = facts.recoveryLane
                    inputs[id]?.lastRunID = nil
                    move(id, to: .queued)
                    settlement.requeued.append(id)
                } else {
                    terminalise(id, .abandoned(reason: .maxAttemptsExhausted(attempts: facts.attempts)))
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
            for id in members {
                terminalise(id, .abandoned(reason: .cancelled))
                settlement.abandoned.append(id)
            }
            pendingEvents.append(.runCancelled(run))
        case .neverExecuted:
            for id in members {
                terminalise(id, .abandoned(reason: .neverExecuted))
                settlement.abandoned.append(id)
            }
        }
        currentRun = nil
        boundaryCounter = 0
        setState(preRunPhase ?? .idle)
        preRunPhase = nil
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
        boundaryCounter += 1
        for id in ids {
            inputs[id]?.lane = nil
            inputs[id]?.lastRunID = run
            inputs[id]?.attempts += 1
            move(id, to: .staged)
            move(id, to: .applied)
            move(id, to: .appliedPendingConsumption)
            inputs[id]?.boundarySequence = boundaryCounter
            terminalise(id, .consumed)
        }
        return boundaryCounter
    }

    /// `LiveBoundaryUnavailable`: a live steer that could not reach a checkpoint becomes an ordinary queued turn.
    public mutating func liveBoundaryUnavailable(_ id: InputID) throws(MachineGuardError) {
        guard let facts = inputs[id] else { throw .unknownInput(id) }
        guard facts.phase == .queued, facts.lane == .steer else {
            throw .illegalTransition(input: id, from: facts.phase, transition: "live_boundary_unavailable")
        }
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
            inputs[id]?.lane = .queue
            inputs[id]?.recoveryLane = .queue
            inputs[id]?.semantics = facts.semantics.normalizedToQueue()
        }
        return unclaimed
    }

    /// `ResolveUnstageableQueuedInput`: queued inputs whose primitive could not be built take an attempt and go to
    /// the back of their lane, or are abandoned at the cap.
    public mutating func resolveUnstageable(_ ids: [InputID]) throws(MachineGuardError) -> [InputID] {
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
            let attempts = facts.attempts + 1
            inputs[id]?.attempts = attempts
            if attempts < InputStateSeed.maxStageAttempts {
                let sequence = mintSequence()
                inputs[id]?.admissionSequence = sequence
            } else {
                terminalise(id, .abandoned(reason: .maxAttemptsExhausted(attempts: attempts)))
                abandoned.append(id)
            }
        }
        return abandoned
    }
}
