import Foundation
import MeerkatCore

extension SessionRuntime {
    /// Admits an input (RUNTIME.md §3.1). Returns only after an admitted input's row is durable. `Rejected` is
    /// returned as an outcome; pre-check failures and not-ready states are errors. With `wantsCompletion`, a handle is
    /// returned when the admitted (or deduplicated) input is not terminal.
    public func accept(_ input: Input, withoutWake: Bool = false, wantsCompletion: Bool = false)
        async throws(RuntimeDriverError) -> (AcceptOutcome, CompletionHandle?)
    {
        let (outcome, handle, signal) = try await gated { () throws(RuntimeDriverError) in
            try await admitLocked(input, withoutWake: withoutWake, wantsCompletion: wantsCompletion)
        }
        if signal.shouldInterruptYielding, machine.state == .running, let executor {
            yieldRequestedRun = machine.currentRun
            await executor.interruptYielding()
        }
        if signal.shouldWake { wake() }
        return (outcome, handle)
    }

    private func admitLocked(_ input: Input, withoutWake: Bool, wantsCompletion: Bool)
        async throws(RuntimeDriverError) -> (AcceptOutcome, CompletionHandle?, AdmissionSignal)
    {
        if unregistered { throw .notFound(runtimeID: runtimeID) }
        if let error = machine.state.acceptError { throw error }
        if machine.state == .running, machine.preRunPhase == .retired { throw .notReady(state: .retired) }
        // Durable idempotency first: a retry collapses onto the original even after restart or completion.
        if let key = input.header.idempotencyKey, machine.idempotency[key] == nil {
            let existing: StoredInputState?
            do {
                existing = try await store.loadInput(runtimeID, idempotencyKey: key)
            } catch {
                throw Self.driverError(error)
            }
            if let existing { return durableDuplicate(input, existing, wantsCompletion: wantsCompletion) }
        }
        // A second delivery of an input the live machine no longer tracks (finished and archived, or admitted before a
        // restart) collapses onto its durable row: admitting it again would overwrite a terminal row and run it twice.
        if machine.inputs[input.id] == nil {
            let existing: StoredInputState?
            do {
                existing = try await store.loadInput(runtimeID, input.id)
            } catch {
                throw Self.driverError(error)
            }
            if let existing { return durableDuplicate(input, existing, wantsCompletion: wantsCompletion) }
        }

        // Decided without copying the machine; an accepted input is applied only once its row is durable.
        let pending: RuntimeMachine.PendingAdmission
        do {
            pending = try machine.decideAdmission(input, withoutWake: withoutWake)
        } catch {
            throw error.driverError
        }
        switch pending.decision {
        case .invalid(let failure):
            throw .precheckFailed(failure)
        case .rejected(let reason):
            return (.rejected(reason: reason), nil, .none)
        case .deduplicated(let existingID, let seed):
            machine.apply(pending)
            publishEvents()
            let live = seed.map { !$0.phase.isTerminal } ?? false
            let handle = wantsCompletion && live ? CompletionHandle(inputID: existingID, runtime: self) : nil
            return (.deduplicated(inputID: input.id, existingID: existingID, existingSeed: seed), handle, .none)
        case .accepted(let accepted):
            return try await commitAdmission(input, accepted, pending, wantsCompletion: wantsCompletion)
        }
    }

    /// The answer to an input that collapses onto an existing durable row: nothing is written.
    private func durableDuplicate(_ input: Input, _ existing: StoredInputState, wantsCompletion: Bool)
        -> (AcceptOutcome, CompletionHandle?, AdmissionSignal)
    {
        let outcome = AcceptOutcome.deduplicated(
            inputID: input.id, existingID: existing.inputID, existingSeed: existing.seed)
        let handle =
            wantsCompletion && !existing.isTerminal ? CompletionHandle(inputID: existing.inputID, runtime: self) : nil
        machine.pendingEvents.append(.inputDeduplicated(input.id, existingID: existing.inputID))
        publishEvents()
        return (outcome, handle, .none)
    }

    private func commitAdmission(
        _ input: Input, _ accepted: AcceptedAdmission, _ pending: RuntimeMachine.PendingAdmission,
        wantsCompletion: Bool
    ) async throws(RuntimeDriverError) -> (AcceptOutcome, CompletionHandle?, AdmissionSignal) {
        let stamp = now()
        var state = InputState(admitting: input, plan: accepted.plan, at: stamp)
        state.recordTransition(from: .accepted, to: accepted.seed.phase, reason: "QueueAccepted", at: stamp)
        if accepted.plan.isConsumedOnAccept {
            state.terminalCompletion = .completedWithoutResult
            state.persistedInput = nil  // nothing will ever replay it
        }
        let row = StoredInputState(state: state, seed: pending.facts?.seed ?? accepted.seed)
        var delta = [row]
        var coalescedRow: StoredInputState?
        if let (coalesced, facts) = pending.coalesced, var older = ledger[coalesced] {
            older.state.recordTransition(from: older.seed.phase, to: facts.phase, reason: "CoalesceInput", at: stamp)
            older.seed = facts.seed
            older.state.terminalCompletion = .completedWithoutResult
            older.state.persistedInput = nil
            coalescedRow = older
            delta.append(older)
        }
        do {
            try await store.writeInputs(runtimeID, delta)
        } catch {
            // Nothing was admitted: the decision is dropped and no row survives.
            throw Self.driverError(error)
        }
        // The gate is held: nothing changed the machine while the rows were written.
        machine.apply(pending)
        ledger[row.inputID] = row
        if let coalescedRow {
            adopt([coalescedRow])
            resolve(coalescedRow.inputID, .success(.completedWithoutResult))
        }
        if row.isTerminal { adopt([row]) }
        publishEvents()
        let outcome = AcceptOutcome.accepted(
            inputID: input.id, policy: accepted.plan.decision, state: row.state, seed: row.seed)
        let handle = wantsCompletion && !row.isTerminal ? CompletionHandle(inputID: input.id, runtime: self) : nil
        return (outcome, handle, machine.takeSignal())
    }
}
