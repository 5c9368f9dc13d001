public import Foundation
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
        try decideAdmission(input, withoutWake: withoutWake, durableDuplicate: nil, at: .distantPast).decision
    }

    /// Admits an input (RUNTIME.md §3.1 steps 4–9): lifecycle check, pre-checks, validation, live idempotency,
    /// policy, coalescing, queueing, idempotency binding and the post-admission signal. `now` stamps the new row.
    public mutating func admit(_ input: Input, withoutWake: Bool = false, at now: Date = .distantPast)
        throws(MachineGuardError) -> AdmissionDecision
    {
        let pending = try decideAdmission(input, withoutWake: withoutWake, durableDuplicate: nil, at: now)
        install(pending, archiving: false)
        pendingEvents += pending.effects.events
        pendingSignal = pendingSignal.merged(with: pending.effects.signal)
        return pending.decision
    }

    /// Decides an admission as a step: the decision, the new (and coalesced) rows to write, the events, the waiter
    /// of a coalesced input and the signal. Decided without copying the machine: admission is the hot path and the
    /// queue may be long. `durableDuplicate` is the stored row the input collapses onto (found by its idempotency key
    /// or id when the live machine no longer tracks it), which the caller read from the store.
    public func planAdmission(
        _ input: Input, withoutWake: Bool, durableDuplicate: StoredInputState?, at now: Date
    ) throws(MachineGuardError) -> MachineStep<AdmissionDecision> {
        let pending = try decideAdmission(
            input, withoutWake: withoutWake, durableDuplicate: durableDuplicate, at: now)
        let next: MachineStep<AdmissionDecision>.Next =
            if case .accepted = pending.decision { .admission(pending) } else { .unchanged }
        return MachineStep(value: pending.decision, effects: pending.effects, next: next, base: generation)
    }

    /// True when admitting `input` needs the durable store's answer first: its idempotency key or its id is not
    /// bound in the live machine, so a stored row (finished and archived, or from before a restart) may own it.
    public func needsDurableLookup(_ input: Input) -> (idempotencyKey: IdempotencyKey?, inputID: InputID?) {
        let key = input.header.idempotencyKey.flatMap { idempotency[$0] == nil ? $0 : nil }
        return (key, inputs[input.id] == nil ? input.id : nil)
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
        var effects = MachineEffects()
    }

    /// Decides an admission without changing the machine (see `admit`).
    func decideAdmission(
        _ input: Input, withoutWake: Bool, durableDuplicate: StoredInputState?, at now: Date
    ) throws(MachineGuardError) -> PendingAdmission {
        guard state.acceptsInput else {
            if state == .destroyed { throw .destroyed }
            throw .notReady(operation: "accept_input", state: state)
        }
        // Retired during a run: the run finishes, but the runtime takes no new input from now on.
        if state == .running, preRunPhase == .retired { throw .notReady(operation: "accept_input", state: .retired) }
        // A retry collapses onto its durable original even after restart or completion; nothing is written.
        if let existing = durableDuplicate {
            return PendingAdmission(
                inputID: input.id, decision: .deduplicated(existingID: existing.inputID, existingSeed: existing.seed),
                effects: Self.events([.inputDeduplicated(input.id, existingID: existing.inputID)]))
        }
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
                inputID: input.id, decision: .deduplicated(existingID: existing, existingSeed: inputs[existing]?.seed),
                effects: Self.events([.inputDeduplicated(input.id, existingID: existing)]))
        }
        let plan: AdmissionPlan
        do {
            plan = try PolicyTable.resolve(input, context: admissionContext(for: input, withoutWake: withoutWake))
        } catch {
            throw .policy(error)
        }

        var effects = MachineEffects()
        let sequence = nextAdmissionSequence
        let seed = plan.initialSeed(admissionSequence: sequence)
        var shell = InputState(admitting: input, plan: plan, at: now)
        shell.recordTransition(from: .accepted, to: seed.phase, reason: "QueueAccepted", at: now)
        if plan.isConsumedOnAccept {
            shell.terminalCompletion = .completedWithoutResult
            shell.persistedInput = nil  // nothing will ever replay it
        }
        let scope = input.supersessionScope(in: runtimeID)
        let facts = InputFacts(
            kind: input.kind, phase: seed.phase, lane: plan.isConsumedOnAccept ? nil : plan.lane,
            recoveryLane: plan.lane, attempts: 0, admissionSequence: sequence, lastRunID: nil, boundarySequence: nil,
            terminal: seed.terminalOutcome, semantics: plan.semantics, idempotencyKey: input.header.idempotencyKey,
            supersession: scope, shell: shell)
        effects.inputRows.append(facts.row)
        effects.events.append(.inputAccepted(input.id))
        effects.events.append(plan.isConsumedOnAccept ? .inputConsumed(input.id, runID: nil) : .inputQueued(input.id))

        var coalesced: (id: InputID, facts: InputFacts)?
        if let scope, SupersessionScope.coalescesOnAdmission(input.kind),
            let older = (queued(.queue) + queued(.steer)).first(where: { inputs[$0]?.supersession == scope }),
            var olderFacts = inputs[older]
        {
            let from = olderFacts.phase
            olderFacts.lane = nil
            olderFacts.terminal = .coalesced(aggregateID: input.id)
            olderFacts.phase = .coalesced
            olderFacts.shell.recordTransition(from: from, to: .coalesced, reason: "CoalesceInput", at: now)
            olderFacts.shell.terminalCompletion = .completedWithoutResult
            olderFacts.shell.persistedInput = nil
            coalesced = (older, olderFacts)
            effects.inputRows.append(olderFacts.row)
            effects.events.append(.inputStateTransitioned(older, from: from, to: .coalesced))
            effects.events.append(.inputCoalesced(older, aggregateID: input.id))
            effects.completions.append(.init(inputID: older, outcome: .completedWithoutResult))
        }
        effects.signal = plan.signal
        let accepted = AcceptedAdmission(
            plan: plan, seed: seed, coalescedInputID: coalesced?.id, signal: plan.signal)
        return PendingAdmission(
            inputID: input.id, decision: .accepted(accepted), facts: facts, coalesced: coalesced, effects: effects)
    }

    private static func events(_ kinds: [RuntimeEventKind]) -> MachineEffects {
        var effects = MachineEffects()
        effects.events = kinds
        return effects
    }

    /// Installs a decided admission. It must be installed on the machine it was decided against, unchanged since.
    /// With `archiving`, inputs that ended at admission (consumed on accept, coalesced) leave the live machine, as
    /// after any durable step.
    mutating func install(_ pending: PendingAdmission, archiving: Bool) {
        guard case .accepted = pending.decision, let facts = pending.facts else { return }
        let id = pending.inputID
        nextAdmissionSequence = max(nextAdmissionSequence, facts.admissionSequence + 1)
        inputs[id] = facts
        if let key = facts.idempotencyKey { idempotency[key] = id }
        if let (older, olderFacts) = pending.coalesced { inputs[older] = olderFacts }
        guard archiving else { return }
        archiveIfTerminal(id)
        if let older = pending.coalesced?.id { archiveIfTerminal(older) }
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
