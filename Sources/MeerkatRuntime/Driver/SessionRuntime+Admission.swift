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
            if let existing {
                let outcome = AcceptOutcome.deduplicated(
                    inputID: input.id, existingID: existing.inputID, existingSeed: existing.seed)
                let handle =
                    wantsCompletion && !existing.isTerminal
                    ? CompletionHandle(inputID: existing.inputID, runtime: self) : nil
                machine.pendingEvents.append(.inputDeduplicated(input.id, existingID: existing.inputID))
                publishEvents()
                return (outcome, handle, .none)
            }
        }

        var draft = machine
        let decision: AdmissionDecision
        do {
            decision = try draft.admit(input, withoutWake: withoutWake)
        } catch {
            throw error.driverError
        }
        switch decision {
        case .invalid(let failure):
            throw .precheckFailed(failure)
        case .rejected(let reason):
            return (.rejected(reason: reason), nil, .none)
        case .deduplicated(let existingID, let seed):
            machine = draft
            publishEvents()
            let live = seed.map { !$0.phase.isTerminal } ?? false
            let handle = wantsCompletion && live ? CompletionHandle(inputID: existingID, runtime: self) : nil
            return (.deduplicated(inputID: input.id, existingID: existingID, existingSeed: seed), handle, .none)
        case .accepted(let accepted):
            return try await commitAdmission(input, accepted, draft: draft, wantsCompletion: wantsCompletion)
        }
    }

    private func commitAdmission(
        _ input: Input, _ accepted: AcceptedAdmission, draft: RuntimeMachine, wantsCompletion: Bool
    ) async throws(RuntimeDriverError) -> (AcceptOutcome, CompletionHandle?, AdmissionSignal) {
        let stamp = now()
        var state = InputState(admitting: input, plan: accepted.plan, at: stamp)
        state.recordTransition(from: .accepted, to: accepted.seed.phase, reason: "QueueAccepted", at: stamp)
        if accepted.plan.isConsumedOnAccept {
            state.terminalCompletion = .completedWithoutResult
            state.persistedInput = nil  // nothing will ever replay it
        }
        let row = StoredInputState(state: state, seed: draft.inputs[input.id]?.seed ?? accepted.seed)
        var delta = [row]
        var coalescedRow: StoredInputState?
        if let coalesced = accepted.coalescedInputID, var older = ledger[coalesced], let facts = draft.inputs[coalesced]
        {
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
            // Nothing was admitted: the draft machine is dropped and no row survives.
            throw Self.driverError(error)
        }
        // The gate is held: nothing changed the machine while the rows were written.
        machine = draft
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
