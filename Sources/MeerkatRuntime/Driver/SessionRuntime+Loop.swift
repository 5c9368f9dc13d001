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

    /// Runs one authorised batch; false when there is nothing to run.
    private func runNextBatch(_ executor: any CoreExecutor) async -> Bool {
        let run = RunID()
        let start: (RunPrimitive, RunBatch)?? = try? await gated {
            () throws(RuntimeDriverError) -> (RunPrimitive, RunBatch)? in
            try await stage(run: run)
        }
        guard let staged = start else { return true }  // a store failure: try the next lap
        guard let (primitive, _) = staged else { return false }
        let result: Result<CoreApplyOutput, CoreExecutorError>
        do {
            result = .success(
                try await executor.apply(primitive, run: run, checkpoint: LiveCheckpoint(runtime: self, run: run)))
        } catch {
            result = .failure(error)
        }
        _ = try? await gated { () throws(RuntimeDriverError) in
            try await settle(run: run, result)
        }
        return true
    }

    /// Selects the next batch, builds its primitive and stages its members durably (RUNTIME.md §7.2 steps 2–6).
    /// Returns nil when nothing may run.
    private func stage(run: RunID) async throws(RuntimeDriverError) -> (RunPrimitive, RunBatch)? {
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
                let abandoned = try guarded { machine throws(MachineGuardError) in
                    try machine.resolveUnstageable(batch.inputIDs)
                }
                let report = ErrorReport(
                    errorClass: .internal, reason: "primitive_rejected", message: error.description)
                var outcomes: [InputID: CompletionOutcome] = [:]
                for id in abandoned { outcomes[id] = .abandonedWithError(reason: "primitive_rejected", error: report) }
                let rows = rows(for: batch.inputIDs, reason: "ResolveUnstageableQueuedInput", outcomes: outcomes)
                try await write(rows)
                for id in batch.inputIDs where !abandoned.contains(id) {
                    resolveAttempt(id, .abandonedWithError(reason: "primitive_rejected", error: report))
                }
                for (id, outcome) in outcomes { resolve(id, .success(outcome)) }
                continue
            }
            try guarded { machine throws(MachineGuardError) in try machine.beginRun(run, batch: batch) }
            do {
                try await write(rows(for: batch.inputIDs, reason: "StageForRun"))
            } catch {
                // Not durable, so never applied: roll the run back (the store failure costs the attempt) rather than
                // leave the runtime `running` with nothing in flight.
                _ = try? machine.finishRun(run, .replay)
                publishEvents()
                throw error
            }
            return (primitive, batch)
        }
        return nil
    }

    func write(_ rows: [StoredInputState], lifecycle: RuntimeLifecycleRow? = nil) async throws(RuntimeDriverError) {
        do {
            if lifecycle == nil {
                try await store.writeInputs(runtimeID, rows)
            } else {
                try await store.atomicApply(runtimeID, BoundaryCommit(inputs: rows, lifecycle: lifecycle))
            }
        } catch {
            publishEvents()
            throw Self.driverError(error)
        }
        adopt(rows)
        publishEvents()
    }

    /// A waiter of a failed attempt learns about it even though the durable input may run again (RUNTIME.md §7.5).
    func resolveAttempt(_ id: InputID, _ outcome: CompletionOutcome) {
        resolve(id, .success(outcome))
    }

    /// Realises an executor outcome (RUNTIME.md §7.5).
    private func settle(run: RunID, _ result: Result<CoreApplyOutput, CoreExecutorError>)
        async throws(RuntimeDriverError)
    {
        if cancelAfterBoundaryRequest?.run == run { cancelAfterBoundaryRequest = nil }
        // A stop or destroy that happened meanwhile already settled the contributors.
        guard machine.currentRun == run else { return }
        let members = machine.inputs.filter { $0.value.lastRunID == run && $0.value.phase == .staged }.map(\.key)
        switch result {
        case .success(let output):
            let sequence = try guarded { machine throws(MachineGuardError) in try machine.recordBoundary(run) }
            let receipt = output.receipt.stamped(runID: run, sequence: sequence)
            _ = try guarded { machine throws(MachineGuardError) in
                try machine.finishRun(run, .consumed(boundarySequence: sequence))
            }
            let outcome = CompletionClassifier.outcome(for: output.terminal, finalized: true)
            let outcomes = Dictionary(uniqueKeysWithValues: members.map { ($0, outcome) })
            let rows = rows(for: members, reason: "BoundaryApplied", outcomes: outcomes)
            let fallback = fallBackUnclaimedSteers()
            do {
                try await store.atomicApply(
                    runtimeID,
                    BoundaryCommit(
                        receipt: receipt, session: output.session, inputs: rows + fallback, lifecycle: lifecycleRow()))
            } catch {
                // Never replayed here (it would re-run tools): the output is withheld, and the executor is handed off
                // so nothing else runs on a ledger the store does not match. Reopening the session recovers from the
                // durable rows (RUNTIME.md §7.5, last row).
                publishEvents()
                let failed = CompletionClassifier.outcome(for: output.terminal, finalized: false)
                for id in members { resolve(id, .success(failed)) }
                detachExecutor()
                throw Self.driverError(error)
            }
            adopt(rows + fallback)
            publishEvents()
            for id in members { resolve(id, .success(outcome)) }
        case .failure(.cancelled):
            _ = try guarded { machine throws(MachineGuardError) in try machine.finishRun(run, .cancelled) }
            try await finishFailedRun(members, outcome: .cancelled, terminal: true)
        case .failure(.stopped):
            try await stopLocked(reason: "runtime stopped")
        case .failure(.teardownRequired(.executorNotProgressing, let message)):
            _ = try guarded { machine throws(MachineGuardError) in try machine.finishRun(run, .neverExecuted) }
            try await finishFailedRun(
                members,
                outcome: CompletionClassifier.outcome(
                    for: .teardownRequired(reason: .executorNotProgressing, message: message)),
                terminal: true)
            detachExecutor()
        case .failure(let error):
            let settlement = try guarded { machine throws(MachineGuardError) in try machine.finishRun(run, .replay) }
            let outcome = CompletionClassifier.outcome(for: error)
            var outcomes: [InputID: CompletionOutcome] = [:]
            for id in settlement.abandoned { outcomes[id] = outcome }
            let rows =
                rows(for: members, reason: "ResolveStagedRollback", outcomes: outcomes) + fallBackUnclaimedSteers()
            try await write(rows, lifecycle: lifecycleRow())
            for id in members { resolve(id, .success(outcome)) }
            if case .teardownRequired = error { detachExecutor() }
        }
    }

    private func finishFailedRun(_ members: [InputID], outcome: CompletionOutcome, terminal: Bool)
        async throws(RuntimeDriverError)
    {
        var outcomes: [InputID: CompletionOutcome] = [:]
        if terminal { for id in members { outcomes[id] = outcome } }
        let rows = rows(for: members, reason: "RunFailed", outcomes: outcomes) + fallBackUnclaimedSteers()
        try await write(rows, lifecycle: lifecycleRow())
        for id in members { resolve(id, .success(outcome)) }
    }

    /// Live steers that found no checkpoint become ordinary queued turns (RUNTIME.md §7.6 step 3).
    private func fallBackUnclaimedSteers() -> [StoredInputState] {
        let unclaimed = machine.queued(.steer).filter {
            machine.inputs[$0]?.semantics.contributesLiveSteerContext == true
        }
        for id in unclaimed { try? machine.liveBoundaryUnavailable(id) }
        guard !unclaimed.isEmpty else { return [] }
        wakeRequested = true
        return rows(for: unclaimed, reason: "LiveBoundaryUnavailable", recordLaneChange: true)
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
        let delivered = try? await gated { () throws(RuntimeDriverError) -> [SteerContext] in
            // An unregistered runtime no longer owns its rows: a run still finishing must not commit steers.
            guard !unregistered, machine.currentRun == run else { return [] }
            let ids = machine.liveSteerCandidates()
            guard !ids.isEmpty else { return [] }
            var draft = machine
            let sequence: UInt64
            do {
                sequence = try draft.applyLiveSteers(ids, run: run)
            } catch {
                return []
            }
            let previous = machine
            machine = draft
            let outcomes = Dictionary(uniqueKeysWithValues: ids.map { ($0, CompletionOutcome.completedWithoutResult) })
            let contexts = ids.compactMap { id -> SteerContext? in
                guard let input = ledger[id]?.state.persistedInput else { return nil }
                return SteerContext(inputID: id, content: [.text(input.projection().renderedSteerText)])
            }
            let rows = rows(for: ids, reason: "LiveBoundaryApplied", outcomes: outcomes)
            let receipt = RunBoundaryReceipt(
                runID: run, boundary: .runCheckpoint, contributingInputIDs: ids, messageCount: info.messageCount,
                sequence: sequence)
            do {
                try await store.atomicApply(runtimeID, BoundaryCommit(receipt: receipt, inputs: rows))
            } catch {
                machine = previous  // not durable: the steers stay queued and fall back after the run
                return []
            }
            adopt(rows)
            publishEvents()
            for id in ids { resolve(id, .success(.completedWithoutResult)) }
            return contexts
        }
        return delivered ?? []
    }
}
