import Foundation
import MeerkatCore

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
        var copy = self
        return try copy.admit(input, withoutWake: withoutWake)
    }

    /// Admits an input (RUNTIME.md §3.1 steps 4–9): lifecycle check, pre-checks, validation, live idempotency,
    /// policy, coalescing, queueing, idempotency binding and the post-admission signal.
    public mutating func admit(_ input: Input, withoutWake: Bool = false) throws(MachineGuardError) -> AdmissionDecision
    {
        guard state.acceptsInput else {
            if state == .destroyed { throw .destroyed }
            throw .notReady(operation: "accept_input", state: state)
        }
        // Retired during a run: the run finishes, but the runtime takes no new input from now on.
        if state == .running, preRunPhase == .retired { throw .notReady(operation: "accept_input", state: .retired) }
        if let failure = InputValidation.precheck(input) { return .invalid(failure) }
        if let reason = InputValidation.validate(input) { return .rejected(reason) }
        if let key = input.header.idempotencyKey, let existing = idempotency[key] {
            pendingEvents.append(.inputDeduplicated(input.id, existingID: existing))
            return .deduplicated(existingID: existing, existingSeed: inputs[existing]?.seed)
        }
        if inputs[input.id] != nil {
            // A reused input id behaves like a duplicate delivery of that input.
            pendingEvents.append(.inputDeduplicated(input.id, existingID: input.id))
            return .deduplicated(existingID: input.id, existingSeed: inputs[input.id]?.seed)
        }
        let plan: AdmissionPlan
        do {
            plan = try PolicyTable.resolve(input, context: admissionContext(for: input, withoutWake: withoutWake))
        } catch {
            throw .policy(error)
        }

        let scope = input.supersessionScope(in: runtimeID)
        var coalesced: InputID?
        if let scope, SupersessionScope.coalescesOnAdmission(input.kind) {
            coalesced = (queued(.queue) + queued(.steer)).first { inputs[$0]?.supersession == scope }
        }

        let sequence = mintSequence()
        let seed = plan.initialSeed(admissionSequence: sequence)
        inputs[input.id] = InputFacts(
            kind: input.kind, phase: seed.phase, lane: plan.isConsumedOnAccept ? nil : plan.lane,
            recoveryLane: plan.lane, attempts: 0, admissionSequence: sequence, lastRunID: nil, boundarySequence: nil,
            terminal: seed.terminalOutcome, semantics: plan.semantics, idempotencyKey: input.header.idempotencyKey,
            supersession: scope)
        pendingEvents.append(.inputAccepted(input.id))
        if plan.isConsumedOnAccept {
            pendingEvents.append(.inputConsumed(input.id, runID: nil))
        } else {
            pendingEvents.append(.inputQueued(input.id))
        }
        if let coalesced { terminalise(coalesced, .coalesced(aggregateID: input.id)) }
        if let key = input.header.idempotencyKey { idempotency[key] = input.id }
        let signal = plan.signal
        pendingSignal = pendingSignal.merged(with: signal)
        return .accepted(AcceptedAdmission(plan: plan, seed: seed, coalescedInputID: coalesced, signal: signal))
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
}
