import Foundation
import MeerkatCore

extension SessionRuntime {
    /// Admits an input (RUNTIME.md §3.1). Returns only after an admitted input's row is durable. `Rejected` is
    /// returned as an outcome; pre-check failures and not-ready states are errors. With `wantsCompletion`, a handle is
    /// returned when the admitted (or deduplicated) input is not terminal.
    public func accept(_ input: Input, withoutWake: Bool = false, wantsCompletion: Bool = false)
        async throws(RuntimeDriverError) -> (AcceptOutcome, CompletionHandle?)
    {
        let (outcome, handle, signal) = try await gated {
            () throws(RuntimeDriverError) -> (AcceptOutcome, CompletionHandle?, AdmissionSignal) in
            if unregistered { throw .notFound(runtimeID: runtimeID) }
            func plan(_ durable: StoredInputState?) throws(RuntimeDriverError) -> MachineStep<AdmissionDecision> {
                do throws(MachineGuardError) {
                    return try machine.planAdmission(
                        input, withoutWake: withoutWake, durableDuplicate: durable, at: now())
                } catch {
                    throw error.driverError
                }
            }
            var step = try plan(nil)
            let decision: AdmissionDecision
            let lookup = machine.needsDurableLookup(input)
            if lookup.idempotencyKey == nil, lookup.inputID == nil {
                decision = try await perform(step)
            } else if case .accepted = step.value, step.effects.commit.onlyInputs {
                // The store looks for a durable duplicate (a finished and archived input, or one from before a restart)
                // inside the admission's own write: found, nothing is written and the input is deduplicated against it.
                let existing: StoredInputState?
                do throws(RuntimeStoreError) {
                    existing = try await store.admitInputs(
                        runtimeID, step.effects.inputRows, newInput: input.id, idempotencyKey: lookup.idempotencyKey)
                } catch {
                    throw Self.driverError(error)
                }
                if let existing {
                    step = try plan(existing)
                    decision = try await perform(step)
                } else {
                    decision = await adoptWritten(step)
                }
            } else {
                // Not admitted (invalid, rejected, deduplicated live): a stored duplicate still answers first.
                if let durable = try await durableDuplicate(of: input) { step = try plan(durable) }
                decision = try await perform(step)
            }
            // Nothing was admitted when the write fails: the decision is dropped and no row survives.
            let signal = step.effects.signal
            switch decision {
            case .invalid(let failure):
                throw .precheckFailed(failure)
            case .rejected(let reason):
                return (.rejected(reason: reason), nil, .none)
            case .deduplicated(let existingID, let seed):
                let live = seed.map { !$0.phase.isTerminal } ?? false
                let handle = wantsCompletion && live ? CompletionHandle(inputID: existingID, runtime: self) : nil
                return (.deduplicated(inputID: input.id, existingID: existingID, existingSeed: seed), handle, .none)
            case .accepted(let accepted):
                let row = step.effects.inputRows[0]
                let outcome = AcceptOutcome.accepted(
                    inputID: input.id, policy: accepted.plan.decision, state: row.state, seed: row.seed)
                let handle =
                    wantsCompletion && !row.isTerminal ? CompletionHandle(inputID: input.id, runtime: self) : nil
                return (outcome, handle, signal)
            }
        }
        if signal.shouldInterruptYielding, machine.state == .running, let executor {
            yieldRequestedRun = machine.currentRun
            await executor.interruptYielding()
        }
        if signal.shouldWake { wake() }
        return (outcome, handle)
    }

    /// The stored row an input collapses onto when the live machine does not know its idempotency key or its id:
    /// a retry is deduplicated against its original even after restart or completion, and a second delivery of a
    /// finished input is never admitted (and run) again.
    private func durableDuplicate(of input: Input) async throws(RuntimeDriverError) -> StoredInputState? {
        let lookup = machine.needsDurableLookup(input)
        do {
            if let key = lookup.idempotencyKey, let row = try await store.loadInput(runtimeID, idempotencyKey: key) {
                return row
            }
            if let id = lookup.inputID { return try await store.loadInput(runtimeID, id) }
            return nil
        } catch {
            throw Self.driverError(error)
        }
    }
}
