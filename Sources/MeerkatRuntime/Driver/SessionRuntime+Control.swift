import Foundation
public import MeerkatCore

extension SessionRuntime {
    /// Retires the runtime (RUNTIME.md §10): no new input; with an executor the queued work drains normally, without
    /// one it is abandoned `retired` and its waiters get `runtime_terminated`.
    public func retire() async throws(RuntimeDriverError) -> RetireReport {
        let report = try await gated { () throws(RuntimeDriverError) -> RetireReport in
            var draft = machine
            try decide { () throws(MachineGuardError) in try draft.retire() }
            let pending = draft.activeInputIDs.count
            guard executor == nil else {
                try await commit(draft, [], lifecycle: lifecycleRow(draft))
                return RetireReport(inputsAbandoned: 0, inputsPendingDrain: pending)
            }
            let abandoned = draft.abandonAllActive(.retired)
            try await settleAbandoned(draft, abandoned)
            return RetireReport(inputsAbandoned: abandoned.count, inputsPendingDrain: 0)
        }
        if report.inputsPendingDrain > 0 { wake() }
        return report
    }

    /// Resets the runtime: every active input abandoned `reset`, never applied; state idle. Refused while running.
    public func reset() async throws(RuntimeDriverError) -> ResetReport {
        try await gated { () throws(RuntimeDriverError) -> ResetReport in
            var draft = machine
            let abandoned = try decide { () throws(MachineGuardError) in try draft.reset() }
            try await settleAbandoned(draft, abandoned)
            return ResetReport(inputsAbandoned: abandoned.count)
        }
    }

    /// Stops the executor, preempting queued work: active inputs abandoned `stopped`, waiters `runtime_terminated`,
    /// `stopped` is the durable state.
    public func stopRuntimeExecutor(reason: String = "runtime stopped") async throws(RuntimeDriverError) {
        try await gated { () throws(RuntimeDriverError) in
            try await stopLocked(reason: reason)
        }
    }

    /// Decides the stop, stops the executor, then commits (an executor cannot be un-stopped, so a failed commit
    /// leaves the runtime without one and the inputs active, to be settled by a retry or recovered on reopen).
    func stopLocked(reason: String) async throws(RuntimeDriverError) {
        var draft = machine
        let abandoned = try decide { () throws(MachineGuardError) in try draft.stop() }
        let stopping = executor
        executor = nil
        if let stopping { await stopping.stop(reason: reason) }
        try await settleAbandoned(draft, abandoned)
    }

    /// Destroys the runtime: active inputs abandoned `destroyed`; later accepts fail with `destroyed`.
    public func destroy() async throws(RuntimeDriverError) -> DestroyReport {
        try await gated { () throws(RuntimeDriverError) -> DestroyReport in
            var draft = machine
            let abandoned = try decide { () throws(MachineGuardError) in try draft.destroy() }
            let stopping = executor
            executor = nil
            if let stopping { await stopping.stop(reason: "runtime destroyed") }
            try await settleAbandoned(draft, abandoned)
            return DestroyReport(inputsAbandoned: abandoned.count)
        }
    }

    /// Recycles the runtime: clears the run binding, keeps active work (in-flight inputs return to their lanes) and
    /// wakes the loop.
    public func recycle() async throws(RuntimeDriverError) -> RecycleReport {
        let report = try await gated { () throws(RuntimeDriverError) -> RecycleReport in
            var draft = machine
            let transferred = try decide { () throws(MachineGuardError) in try draft.recycle() }
            try await commit(
                draft, rows(for: transferred, in: draft, reason: "Recycle"), lifecycle: lifecycleRow(draft))
            return RecycleReport(inputsTransferred: transferred.count)
        }
        wake()
        return report
    }

    /// Unregisters the session: pending waiters get `runtime_terminated("runtime session unregistered")`, the executor
    /// stops, and later calls fail with `not_found`. Durable rows stay for a later registration.
    public func unregister() async {
        await lockGate()
        defer { unlockGate() }
        guard !unregistered else { return }
        unregistered = true
        let stopping = executor
        executor = nil
        if let stopping { await stopping.stop(reason: CompletionOutcome.sessionUnregisteredReason) }
        let outcome = CompletionOutcome.runtimeTerminated(reason: CompletionOutcome.sessionUnregisteredReason)
        for id in Array(waiters.keys) { resolve(id, .success(outcome)) }
        events.finish()
    }

    /// Hard-cancels the current run, or only `run` when given (run-fenced). Interrupting an idle runtime is a
    /// successful no-op.
    public func interrupt(run: RunID? = nil) async -> InterruptResult {
        guard let current = machine.currentRun else { return run == nil ? .interrupted : .notFound }
        if let run, run != current { return .notFound }
        await executor?.interrupt(run: current)
        return .interrupted
    }

    /// Asks the current run to stop at its next boundary between LLM calls. The request belongs to that run only (a run
    /// that ends without reaching a boundary does not pass it on) and is ignored while retiring, when the run drains.
    public func cancelAfterBoundary(reason: String) {
        guard machine.state == .running, machine.preRunPhase != .retired, let run = machine.currentRun else { return }
        cancelAfterBoundaryRequest = (run, reason)
    }
}
