import Foundation
import MeerkatCore

extension SessionRuntime {
    /// Asks the loop to drain the queue. Wakes merge: one wake drains to empty. Without an executor, inputs wait
    /// for `attach`.
    func wake() {
        guard executor != nil, !unregistered else { return }
        wakeRequested = true
        if loop == nil {
            loop = Task { await self.runLoop() }
        }
    }

    /// True while the loop task is alive (for tests and diagnostics).
    public var isLoopActive: Bool { loop != nil }

    private func runLoop() async {
        while wakeRequested, !unregistered {
            wakeRequested = false
            while let executor, await runNextBatch(executor) {}
        }
        loop = nil
    }

    /// Runs one authorised batch; false when there is nothing to run, or when staging failed (the failure is published
    /// and counted, the inputs keep their state and run at the next wake).
    private func runNextBatch(_ executor: any CoreExecutor) async -> Bool {
        let run = RunID()
        let staged: (RunPrimitive, RunBatch)?
        do {
            staged = try await gated { () throws(RuntimeDriverError) -> (RunPrimitive, RunBatch)? in
                try await stage(run: run)
            }
        } catch {
            reportBackgroundFailure("stage_run", run: run, error)
            return false
        }
        guard let (primitive, _) = staged else { return false }
        let result: Result<CoreApplyOutput, CoreExecutorError>
        do {
            result = .success(
                try await executor.apply(primitive, run: run, checkpoint: LiveCheckpoint(runtime: self, run: run)))
        } catch {
            result = .failure(error)
        }
        do {
            try await gated { () throws(RuntimeDriverError) in
                try await settle(run: run, result)
            }
        } catch {
            reportBackgroundFailure("settle_run", run: run, error)
        }
        return true
    }

    /// Publishes and counts a failure that no caller is waiting for (RUNTIME.md §15). An unregistered runtime's
    /// refusals are its normal end, not failures.
    func reportBackgroundFailure(_ operation: String, run: RunID?, _ error: RuntimeDriverError) {
        if unregistered, case .notFound = error { return }
        backgroundFailureCount += 1
        let report = ErrorReport(errorClass: .internal, reason: error.code, message: error.description)
        events.publish([
            RuntimeEvent(
                timestamp: now(), runtimeID: runtimeID,
                kind: .backgroundFailure(operation: operation, runID: run, error: report))
        ])
    }

    /// Selects the next batch, builds its primitive and stages its members durably (RUNTIME.md §7.2 steps 2–6).
    /// Returns nil when nothing may run. Every step is decided on a draft of the machine, written, and only then
    /// adopted: a failed write leaves the machine as it was.
    private func stage(run: RunID) async throws(RuntimeDriverError) -> (RunPrimitive, RunBatch)? {
        if unregistered { throw .notFound(runtimeID: runtimeID) }
        while let batch = machine.nextBatch() {
            var members: [PrimitiveBuilder.Member] = []
            var missing: InputID?
            for id in batch.inputIDs {
                guard let input = ledger[id]?.state.persistedInput, let facts = machine.inputs[id] else {
                    missing = id
                    break
                }
                var semantics = facts.semantics
                if batch.lane == .steer { semantics = semantics.normalizedToQueue() }
                members.append(PrimitiveBuilder.Member(input: input, semantics: semantics))
            }
            let primitive: RunPrimitive
            do throws(PrimitiveBuildError) {
                if let missing { throw PrimitiveBuildError.missingPayload(missing) }
                primitive = try PrimitiveBuilder.build(members)
            } catch {
                // The machine refused the batch: each member takes an attempt and goes back, or is abandoned at the cap.
                var draft = machine
                let abandoned = try decide { () throws(MachineGuardError) in
                    try draft.resolveUnstageable(batch.inputIDs)
                }
                let report = ErrorReport(
                    errorClass: .internal, reason: "primitive_rejected", message: error.description)
                var outcomes: [InputID: CompletionOutcome] = [:]
                for id in abandoned { outcomes[id] = .abandonedWithError(reason: "primitive_rejected", error: report) }
                let rows = rows(
                    for: batch.inputIDs, in: draft, reason: "ResolveUnstageableQueuedInput", outcomes: outcomes)
                try await commit(draft, rows)
                for id in batch.inputIDs where !abandoned.contains(id) {
                    resolveAttempt(id, .abandonedWithError(reason: "primitive_rejected", error: report))
                }
                for (id, outcome) in outcomes { resolve(id, .success(outcome)) }
                continue
            }
            var draft = machine
            try decide { () throws(MachineGuardError) in try draft.beginRun(run, batch: batch) }
            // Not durable, so never applied: a failed write leaves the inputs queued and the runtime where it was.
            try await commit(draft, rows(for: batch.inputIDs, in: draft, reason: "StageForRun"))
            return (primitive, batch)
        }
        return nil
    }

    /// Maps a machine guard failure to the driver's typed error (the decision is refused, nothing changes).
    func decide<T>(_ body: () throws(MachineGuardError) -> T) throws(RuntimeDriverError) -> T {
        if unregistered { throw .notFound(runtimeID: runtimeID) }
        do {
            return try body()
        } catch {
            throw error.driverError
        }
    }

    /// Durable before visible: writes the rows a decided `draft` produced (with the lifecycle row when given, in one
    /// transaction), then adopts the draft and publishes its events. On failure the machine is left as it was.
    func commit(_ draft: RuntimeMachine, _ rows: [StoredInputState], lifecycle: RuntimeLifecycleRow? = nil)
        async throws(RuntimeDriverError)
    {
        do {
            if lifecycle == nil {
                try await store.writeInputs(runtimeID, rows)
            } else {
                try await store.atomicApply(runtimeID, BoundaryCommit(inputs: rows, lifecycle: lifecycle))
            }
        } catch {
            throw Self.driverError(error)
        }
        adopt(draft, rows)
    }

    /// A waiter of a failed attempt learns about it even though the durable input may run again (RUNTIME.md §7.5).
    func resolveAttempt(_ id: InputID, _ outcome: CompletionOutcome) {
        resolve(id, .success(outcome))
    }

    /// Realises an executor outcome (RUNTIME.md §7.5): the settlement is decided on a draft, written in one
    /// transaction with the lifecycle row (and the receipt and session of a completed run), then adopted. When that
    /// write fails the machine keeps the run (memory and store both still hold its inputs staged), the waiters learn
    /// that the outcome could not be recorded, and the executor is handed off so nothing else runs on top; reopening
    /// or recycling the session recovers from the durable rows.
    private func settle(run: RunID, _ result: Result<CoreApplyOutput, CoreExecutorError>)
        async throws(RuntimeDriverError)
    {
        if cancelAfterBoundaryRequest?.run == run { cancelAfterBoundaryRequest = nil }
        // A stop or destroy that happened meanwhile already settled the contributors.
        guard machine.currentRun == run else { return }
        let members = machine.inputs.filter { $0.value.lastRunID == run && $0.value.phase == .staged }
            .sorted { RuntimeMachine.order($0, $1) }.map(\.key)
        var draft = machine
        switch result {
        case .success(let output):
            let sequence = try decide { () throws(MachineGuardError) in try draft.recordBoundary(run) }
            let receipt = output.receipt.stamped(runID: run, sequence: sequence)
            _ = try decide { () throws(MachineGuardError) in
                try draft.finishRun(run, .consumed(boundarySequence: sequence))
            }
            let outcome = CompletionClassifier.outcome(for: output.terminal, finalized: true)
            let outcomes = Dictionary(uniqueKeysWithValues: members.map { ($0, outcome) })
            let rows =
                rows(for: members, in: draft, reason: "BoundaryApplied", outcomes: outcomes)
                + fallBackUnclaimedSteers(&draft)
            do {
                try await store.atomicApply(
                    runtimeID,
                    BoundaryCommit(
                        receipt: receipt, session: output.session, inputs: rows, lifecycle: lifecycleRow(draft)))
            } catch {
                // Never replayed here (it would re-run tools): the output is withheld (RUNTIME.md §7.5, last row).
                let failed = CompletionClassifier.outcome(for: output.terminal, finalized: false)
                for id in members { resolve(id, .success(failed)) }
                detachExecutor()
                throw Self.driverError(error)
            }
            adopt(draft, rows)
            for id in members { resolve(id, .success(outcome)) }
        case .failure(.cancelled):
            _ = try decide { () throws(MachineGuardError) in try draft.finishRun(run, .cancelled) }
            try await finishFailedRun(draft, members, outcome: .cancelled, terminal: true)
        case .failure(.stopped):
            try await stopLocked(reason: "runtime stopped")
        case .failure(.teardownRequired(.executorNotProgressing, let message)):
            _ = try decide { () throws(MachineGuardError) in try draft.finishRun(run, .neverExecuted) }
            try await finishFailedRun(
                draft, members,
                outcome: CompletionClassifier.outcome(
                    for: .teardownRequired(reason: .executorNotProgressing, message: message)),
                terminal: true)
            detachExecutor()
        case .failure(let error):
            let settlement = try decide { () throws(MachineGuardError) in try draft.finishRun(run, .replay) }
            let outcome = CompletionClassifier.outcome(for: error)
            var outcomes: [InputID: CompletionOutcome] = [:]
            for id in settlement.abandoned { outcomes[id] = outcome }
            try await finishFailedRun(draft, members, outcome: outcome, outcomes: outcomes)
            if case .teardownRequired = error { detachExecutor() }
        }
    }

    /// Commits a failed run's settlement (decided on `draft`) and tells each member's waiter about the attempt.
    private func finishFailedRun(
        _ draft: RuntimeMachine, _ members: [InputID], outcome: CompletionOutcome, terminal: Bool = false,
        outcomes recorded: [InputID: CompletionOutcome] = [:]
    ) async throws(RuntimeDriverError) {
        var draft = draft
        var outcomes = recorded
        if terminal { for id in members { outcomes[id] = outcome } }
        let rows =
            rows(for: members, in: draft, reason: terminal ? "RunFailed" : "ResolveStagedRollback", outcomes: outcomes)
            + fallBackUnclaimedSteers(&draft)
        do {
            try await store.atomicApply(runtimeID, BoundaryCommit(inputs: rows, lifecycle: lifecycleRow(draft)))
        } catch {
            let failure = CompletionWaitError.authorityUnavailable("the run's outcome could not be recorded: \(error)")
            for id in members { resolve(id, .failure(failure)) }
            detachExecutor()
            throw Self.driverError(error)
        }
        adopt(draft, rows)
        for id in members { resolve(id, .success(outcome)) }
    }

    /// Live steers that found no checkpoint become ordinary queued turns (RUNTIME.md §7.6 step 3), decided on
    /// `draft`; returns their rows.
    private func fallBackUnclaimedSteers(_ draft: inout RuntimeMachine) -> [StoredInputState] {
        let unclaimed = draft.fallBackUnclaimedLiveSteers()
        guard !unclaimed.isEmpty else { return [] }
        wakeRequested = true
        return rows(for: unclaimed, in: draft, reason: "LiveBoundaryUnavailable", recordLaneChange: true)
    }

    func detachExecutor() {
        executor = nil
        machine.detach()
    }

    /// Called by the run's checkpoint between LLM calls: delivers queued live steers as request-only context under a
    /// live boundary receipt, or cancels the run when cancel-after-boundary was requested.
    func reachBoundary(run: RunID, info: CheckpointInfo) async -> [SteerContext] {
        guard machine.currentRun == run else { return [] }
        // The run reached a boundary: whatever asked it to yield is handled here.
        if yieldRequestedRun == run { yieldRequestedRun = nil }
        if cancelAfterBoundaryRequest?.run == run, let executor {
            cancelAfterBoundaryRequest = nil
            await executor.interrupt(run: run)
            return []
        }
        do throws(RuntimeDriverError) {
            return try await gated { () throws(RuntimeDriverError) -> [SteerContext] in
                // An unregistered runtime no longer owns its rows: a run still finishing must not commit steers.
                guard !unregistered, machine.currentRun == run else { return [] }
                let ids = machine.liveSteerCandidates()
                guard !ids.isEmpty else { return [] }
                var draft = machine
                let sequence = try decide { () throws(MachineGuardError) in try draft.applyLiveSteers(ids, run: run) }
                let outcomes = Dictionary(
                    uniqueKeysWithValues: ids.map { ($0, CompletionOutcome.completedWithoutResult) })
                let contexts = ids.compactMap { id -> SteerContext? in
                    guard let input = ledger[id]?.state.persistedInput else { return nil }
                    return SteerContext(inputID: id, content: [.text(input.projection().renderedSteerText)])
                }
                let rows = rows(for: ids, in: draft, reason: "LiveBoundaryApplied", outcomes: outcomes)
                let receipt = RunBoundaryReceipt(
                    runID: run, boundary: .runCheckpoint, contributingInputIDs: ids, messageCount: info.messageCount,
                    sequence: sequence)
                do throws(RuntimeStoreError) {
                    try await store.atomicApply(runtimeID, BoundaryCommit(receipt: receipt, inputs: rows))
                } catch {
                    // Not durable: the steers stay queued and fall back to an ordinary turn after the run.
                    throw Self.driverError(error)
                }
                adopt(draft, rows)
                for id in ids { resolve(id, .success(.completedWithoutResult)) }
                return contexts
            }
        } catch {
            reportBackgroundFailure("live_steer", run: run, error)
            return []
        }
    }
}
