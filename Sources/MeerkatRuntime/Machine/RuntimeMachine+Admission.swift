import Foundation
public import MeerkatCore

/// The machine's answer to an admission request.
public enum AdmissionDecision: Sendable, Hashable {
    /// A pre-check failed (surfaces report `validation_failed`).
    case invalid(InputPrecheckFailure)
    /// A validation rule of RUNTIME.md §2.4 failed.
    case rejected(RejectReason)
    /// The idempotency key is bound to an existing input; nothing was admitted.
    case deduplicated(existingID: InputID, existingSeed: InputStateSeed?)
    /// Admitted: queued (or consumed on accept for operations).
    case accepted(AcceptedAdmission)
}

/// An admitted input's plan and starting facts.
public struct AcceptedAdmission: Sendable, Hashable {
    public var plan: AdmissionPlan
    public var seed: InputStateSeed
    /// An older queued progress input this one coalesced (RUNTIME.md §6).
    public var coalescedInputID: InputID?
    public var signal: AdmissionSignal
}

extension RuntimeMachine {
    /// The admission context of RUNTIME.md §4.2 for the current state.
    public func admissionContext(for input: Input, withoutWake: Bool) -> AdmissionContext {
        let running = state == .running
        return AdmissionContext(
            running: running, boundaryAvailable: running, withoutWake: withoutWake,
            silentIntent: input.matchesSilentIntent(in: silentIntents))
    }

    /// Evaluates admission without changing anything (the preview of RUNTIME.md §3.1 step 2).
    public func previewAdmission(_ input: Input, withoutWake: Bool = false) throws(MachineGuardError)
        -> AdmissionDecision
    {
        try decideAdmission(input, withoutWake: withoutWake).decision
    }

    /// Admits an input (RUNTIME.md §3.1 steps 4–9): lifecycle check, pre-checks, validation, live idempotency,
    /// policy, coalescing, queueing, idempotency binding and the post-admission signal.
    public mutating func admit(_ input: Input, withoutWake: Bool = false) throws(MachineGuardError) -> AdmissionDecision
    {
        let pending = try decideAdmission(input, withoutWake: withoutWake)
        apply(pending)
        return pending.decision
    }

    /// An admission decided against the machine but not applied yet. The driver makes an accepted one durable before
    /// applying it, so the machine never shows an input whose row is not written, and is never copied to try one.
    struct PendingAdmission: Sendable {
        var inputID: InputID
        var decision: AdmissionDecision
        /// The new input's facts (accepted only).
        var facts: InputFacts?
        /// The older input this one coalesces, with its facts once coalesced.
        var coalesced: (id: InputID, facts: InputFacts)?
    }

    /// Decides an admission without changing the machine (see `admit`).
    func decideAdmission(_ input: Input, withoutWake: Bool) throws(MachineGuardError) -> PendingAdmission {
        guard state.acceptsInput else {
            if state == .destroyed { throw .destroyed }
            throw .notReady(operation: "accept_input", state: state)
        }
        // Retired during a run: the run finishes, but the runtime takes no new input from now on.
        if state == .running, preRunPhase == .retired { throw .notReady(operation: "accept_input", state: .retired) }
        if let failure = InputValidation.precheck(input) {
            return PendingAdmission(inputID: input.id, decision: .invalid(failure))
        }
        if let reason = InputValidation.validate(input) {
            return PendingAdmission(inputID: input.id, decision: .rejected(reason))
        }
        // A reused input id behaves like a duplicate delivery of that input.
        if let existing = input.header.idempotencyKey.flatMap({ idempotency[$0] })
            ?? (inputs[input.id] != nil ? input.id : nil)
        {
            return PendingAdmission(
                inputID: input.id, decision: .deduplicated(existingID: existing, existingSeed: inputs[existing]?.seed))
        }
        let plan: AdmissionPlan
        do {
            plan = try PolicyTable.resolve(input, context: admissionContext(for: input, withoutWake: withoutWake))
        } catch {
            throw .policy(error)
        }

        let scope = input.supersessionScope(in: runtimeID)
        var coalesced: (id: InputID, facts: InputFacts)?
        if let scope, SupersessionScope.coalescesOnAdmission(input.kind),
            let older = (queued(.queue) + queued(.steer)).first(where: { inputs[$0]?.supersession == scope }),
            var facts = inputs[older]
        {
            facts.lane = nil
            facts.terminal = .coalesced(aggregateID: input.id)
            facts.phase = .coalesced
            coalesced = (older, facts)
        }

        let sequence = nextAdmissionSequence
        let seed = plan.initialSeed(admissionSequence: sequence)
        let facts = InputFacts(
            kind: input.kind, phase: seed.phase, lane: plan.isConsumedOnAccept ? nil : plan.lane,
            recoveryLane: plan.lane, attempts: 0, admissionSequence: sequence, lastRunID: nil, boundarySequence: nil,
            terminal: seed.terminalOutcome, semantics: plan.semantics, idempotencyKey: input.header.idempotencyKey,
            supersession: scope)
        let accepted = AcceptedAdmission(
            plan: plan, seed: seed, coalescedInputID: coalesced?.id, signal: plan.signal)
        return PendingAdmission(
            inputID: input.id, decision: .accepted(accepted), facts: facts, coalesced: coalesced)
    }

    /// Applies a decided admission. It must be applied to the machine it was decided against, unchanged since.
    mutating func apply(_ pending: PendingAdmission) {
        switch pending.decision {
        case .invalid, .rejected:
            return
        case .deduplicated(let existing, _):
            pendingEvents.append(.inputDeduplicated(pending.inputID, existingID: existing))
        case .accepted(let accepted):
            guard let facts = pending.facts else { return }
            let id = pending.inputID
            nextAdmissionSequence = max(nextAdmissionSequence, facts.admissionSequence + 1)
            inputs[id] = facts
            pendingEvents.append(.inputAccepted(id))
            if accepted.plan.isConsumedOnAccept {
                pendingEvents.append(.inputConsumed(id, runID: nil))
            } else {
                pendingEvents.append(.inputQueued(id))
            }
            if let coalesced = pending.coalesced { terminalise(coalesced.id, .coalesced(aggregateID: id)) }
            if let key = facts.idempotencyKey { idempotency[key] = id }
            pendingSignal = pendingSignal.merged(with: accepted.signal)
        }
    }

    /// Removes a terminal input from the live machine once its row is durable, releasing its live idempotency
    /// binding (the store's index keeps deduplicating it).
    public mutating func archive(_ id: InputID) throws(MachineGuardError) {
        guard let facts = inputs[id] else { throw .unknownInput(id) }
        guard facts.phase.isTerminal else {
            throw .illegalTransition(input: id, from: facts.phase, transition: "archive")
        }
        inputs.removeValue(forKey: id)
        if let key = facts.idempotencyKey, idempotency[key] == id { idempotency.removeValue(forKey: key) }
    }

    /// Archives an input whose stored row became terminal; a no-op for an input the machine no longer tracks or that
    /// is not terminal in the machine (the row and the facts are written from the same decision, so that never
    /// happens — but adopting rows must not be able to fail after the store already holds them).
    mutating func archiveIfTerminal(_ id: InputID) {
        guard let facts = inputs[id], facts.phase.isTerminal else { return }
        inputs.removeValue(forKey: id)
        if let key = facts.idempotencyKey, idempotency[key] == id { idempotency.removeValue(forKey: key) }
    }
}
