import Foundation
import MeerkatCore

extension SessionRuntime {
    /// Admits an input (RUNTIME.md §3.1). Returns only after an admitted input's row is durable. `Rejected` is
    /// returned as an outcome; pre-check failures and not-ready states are errors. With `wantsCompletion`, a handle is
    /// returned when the admitted (or deduplicated) input is not terminal.
    public func accept(_ input: Input, withoutWake: Bool = false, wantsCompletion: Bool = false)
        async throws(RuntimeDriverError) -> (AcceptOutcome, CompletionHandle?)
    {
        let (outcome, handle, signal, staged) = try await gated {
            () throws(RuntimeDriverError) -> (AcceptOutcome, CompletionHandle?, AdmissionSignal, Bool) in
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
            var staged = false
            let decision: AdmissionDecision
            let lookup = machine.needsDurableLookup(input)
            if lookup.idempotencyKey == nil, lookup.inputID == nil {
                decision = try await perform(step)
            } else if case .accepted = step.value, step.effects.commit.onlyInputs {
                // The store looks for a durable duplicate (a finished and archived input, or one from before a restart)
                // inside the admission's own write: found, nothing is written and the input is deduplicated against it.
                // An idle runtime's input that starts a run at once is staged in that same write.
                let staging = prestaging(after: step)
                let existing: StoredInputState?
                do throws(RuntimeStoreError) {
                    if let staging {
                        existing = try await store.admitInputs(
                            runtimeID, step.effects.inputRows, newInput: input.id,
                            idempotencyKey: lookup.idempotencyKey, staging: staging.effects.commit)
                    } else {
                        existing = try await store.admitInputs(
                            runtimeID, step.effects.inputRows, newInput: input.id,
                            idempotencyKey: lookup.idempotencyKey)
                    }
                } catch {
                    throw Self.driverError(error)
                }
                if let existing {
                    step = try plan(existing)
                    decision = try await perform(step)
                } else {
                    decision = await adoptWritten(step)
                    if let staging, let start = await adoptWritten(staging) {
                        prestagedRun = start
                        staged = true
                    }
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
                return (.rejected(reason: reason), nil, .none, false)
            case .deduplicated(let existingID, let seed):
                let live = seed.map { !$0.phase.isTerminal } ?? false
                let handle = wantsCompletion && live ? CompletionHandle(inputID: existingID, runtime: self) : nil
                return (
                    .deduplicated(inputID: input.id, existingID: existingID, existingSeed: seed), handle, .none, false
                )
            case .accepted(let accepted):
                let row = step.effects.inputRows[0]
                let outcome = AcceptOutcome.accepted(
                    inputID: input.id, policy: accepted.plan.decision, state: row.state, seed: row.seed)
                let handle =
                    wantsCompletion && !row.isTerminal ? CompletionHandle(inputID: input.id, runtime: self) : nil
                return (outcome, handle, signal, staged)
            }
        }
        // A run this admission staged is not one to interrupt.
        if !staged, signal.shouldInterruptYielding, machine.state == .running, let executor {
            yieldRequestedRun = machine.currentRun
            await executor.interruptYielding()
        }
        if signal.shouldWake { wake() }
        return (outcome, handle)
    }

    /// The staging of the run an accepted admission starts at once, decided against the machine as it will be once
    /// the admission is adopted, so that both go into one store write: only when the store writes them in one
    /// transaction, the runtime is idle with an executor attached, no run loop is alive (nothing else stages), and
    /// the admission wakes the runtime. Nil otherwise, or when staging would not start a run; the loop then stages
    /// with a write of its own, as it always did. A crash after the shared write finds the input staged, which
    /// recovery rolls back to queued exactly as after a crash between two writes (RUNTIME.md §11.2).
    private func prestaging(after admission: MachineStep<AdmissionDecision>)
        -> MachineStep<MachineEffects.StartRun?>?
    {
        // No run in progress, so a run staged earlier and never started was settled meanwhile: it is replaced.
        guard store.stagesWithAdmission, admission.effects.signal.shouldWake, executor != nil, loop == nil,
            machine.currentRun == nil, !unregistered
        else { return nil }
        var admitted = machine
        admitted.adopt(admission)
        guard admitted.nextBatch() != nil else { return nil }
        let run = RunID()
        guard
            let staging = try? admitted.step(
                at: now(),
                { machine throws(MachineGuardError) in
                    try machine.stageNextRun(run)
                }),
            staging.value != nil
        else { return nil }
        return staging
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
