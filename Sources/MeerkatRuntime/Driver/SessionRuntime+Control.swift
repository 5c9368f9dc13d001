import Foundation
public import MeerkatCore

extension SessionRuntime {
    /// Retires the runtime (RUNTIME.md §10): no new input; with an executor the queued work drains normally, without
    /// one it is abandoned `retired` and its waiters get `runtime_terminated`.
    public func retire() async throws(RuntimeDriverError) -> RetireReport {
        let report = try await gated { () throws(RuntimeDriverError) -> RetireReport in
            let attached = executor != nil
            return try await perform(
                decide { machine throws(MachineGuardError) in try machine.retireRuntime(executorAttached: attached) })
        }
        if report.inputsPendingDrain > 0 { wake() }
        return report
    }

    /// Resets the runtime: every active input abandoned `reset`, never applied; state idle. Refused while running.
    public func reset() async throws(RuntimeDriverError) -> ResetReport {
        try await gated { () throws(RuntimeDriverError) -> ResetReport in
            let abandoned = try await perform(decide { machine throws(MachineGuardError) in try machine.reset() })
            return ResetReport(inputsAbandoned: abandoned.count)
        }
    }

    /// Stops the executor, preempting queued work: active inputs abandoned `stopped`, waiters `runtime_terminated`,
    /// `stopped` is the durable state. The rows are committed first; the executor is stopped once they are (a failed
    /// commit leaves the runtime, its executor and its inputs as they were).
    public func stopRuntimeExecutor(reason: String = "runtime stopped") async throws(RuntimeDriverError) {
        try await gated { () throws(RuntimeDriverError) in
            _ = try await perform(decide { machine throws(MachineGuardError) in try machine.stop(reason: reason) })
        }
    }

    /// Destroys the runtime: active inputs abandoned `destroyed`; later accepts fail with `destroyed`.
    public func destroy() async throws(RuntimeDriverError) -> DestroyReport {
        try await gated { () throws(RuntimeDriverError) -> DestroyReport in
            let abandoned = try await perform(decide { machine throws(MachineGuardError) in try machine.destroy() })
            return DestroyReport(inputsAbandoned: abandoned.count)
        }
    }

    /// Recycles the runtime: clears the run binding, keeps active work (in-flight inputs return to their lanes) and
    /// wakes the loop.
    public func recycle() async throws(RuntimeDriverError) -> RecycleReport {
        let report = try await gated { () throws(RuntimeDriverError) -> RecycleReport in
            let transferred = try await perform(
                decide { machine throws(MachineGuardError) in try machine.recycle() })
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
