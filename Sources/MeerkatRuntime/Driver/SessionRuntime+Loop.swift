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
        var run = RunID()
        let start: MachineEffects.StartRun?
        do {
            start = try await gated { () throws(RuntimeDriverError) -> MachineEffects.StartRun? in
                if unregistered { throw .notFound(runtimeID: runtimeID) }
                // Staged by the admission that woke the loop, unless a stop or destroy settled it meanwhile.
                if let prestaged = prestagedRun {
                    prestagedRun = nil
                    if machine.currentRun == prestaged.runID { return prestaged }
                }
                // Nothing authorised to run (the common end of a drain): no step to decide.
                guard machine.nextBatch() != nil else { return nil }
                // Not durable, so never applied: a failed write leaves the inputs queued and the runtime where it was.
                return try await perform(
                    decide { machine throws(MachineGuardError) in try machine.stageNextRun(run) })
            }
        } catch {
            reportBackgroundFailure("stage_run", run: run, error)
            return false
        }
        guard let start else { return false }
        run = start.runID
        let result: Result<CoreApplyOutput, CoreExecutorError>
        do {
            result = .success(
                try await executor.apply(
                    start.primitive, run: run, checkpoint: LiveCheckpoint(runtime: self, run: run)))
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

    /// Realises an executor outcome (RUNTIME.md §7.5) as one machine step, written in one transaction with the
    /// lifecycle row (and the receipt and session of a completed run). When that write fails the machine keeps the
    /// run (memory and store both still hold its inputs staged), the waiters learn that the outcome could not be
    /// recorded, and the executor is handed off so nothing else runs on top; reopening or recycling the session
    /// recovers from the durable rows.
    private func settle(run: RunID, _ result: Result<CoreApplyOutput, CoreExecutorError>)
        async throws(RuntimeDriverError)
    {
        if cancelAfterBoundaryRequest?.run == run { cancelAfterBoundaryRequest = nil }
        // A stop or destroy that happened meanwhile already settled the contributors.
        guard machine.currentRun == run else { return }
        if case .failure(.stopped) = result {
            try await perform(decide { machine throws(MachineGuardError) in try machine.stop() })
            return
        }
        let step: MachineStep<RunSettlement> = try decide { machine throws(MachineGuardError) in
            switch result {
            case .success(let output):
                return try machine.completeRun(
                    run, receipt: output.receipt, session: output.session,
                    outcome: CompletionClassifier.outcome(for: output.terminal, finalized: true))
            case .failure(.cancelled):
                return try machine.failRun(run, .cancelled, outcome: .cancelled)
            case .failure(.teardownRequired(.executorNotProgressing, let message)):
                let outcome = CompletionClassifier.outcome(
                    for: .teardownRequired(reason: .executorNotProgressing, message: message))
                return try machine.failRun(run, .neverExecuted, outcome: outcome, detachExecutor: true)
            case .failure(let error):
                var teardown = false
                if case .teardownRequired = error { teardown = true }
                return try machine.failRun(
                    run, .replay, outcome: CompletionClassifier.outcome(for: error), detachExecutor: teardown)
            }
        }
        do {
            try await perform(step)
        } catch {
            // The outcome is not recorded. A finished run is never replayed here (it would re-run tools): its output
            // is withheld (RUNTIME.md §7.5, last row); a failed run's waiters learn that the authority is unavailable.
            let members = machine.ordered { $0.lastRunID == run && $0.phase == .staged }
            let answer: Result<CompletionOutcome, CompletionWaitError> =
                switch result {
                case .success(let output):
                    .success(CompletionClassifier.outcome(for: output.terminal, finalized: false))
                case .failure:
                    .failure(.authorityUnavailable("the run's outcome could not be recorded: \(error)"))
                }
            for id in members { resolve(id, answer) }
            detachExecutor()
            throw error
        }
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
                guard !unregistered, machine.currentRun == run, !machine.liveSteerCandidates().isEmpty else {
                    return []
                }
                // Not durable, so never delivered: the steers stay queued and fall back to an ordinary turn after the run.
                return try await perform(
                    decide { machine throws(MachineGuardError) in
                        try machine.deliverLiveSteers(run, messageCount: info.messageCount)
                    })
            }
        } catch {
            reportBackgroundFailure("live_steer", run: run, error)
            return []
        }
    }
}
