public import Foundation
public import MeerkatCore

/// What cold recovery decided for the stored rows (RUNTIME.md §11.2).
public struct RecoveryPlan: Sendable {
    /// The rebuilt machine (state idle).
    public var machine: RuntimeMachine
    /// Rows to write back, each with the exact prior row for compare-and-swap.
    public var rewrites: [(previous: StoredInputState, next: StoredInputState)]
    /// Ephemeral non-terminal rows to delete.
    public var discards: [StoredInputState]
    public var report: RecoveryReport

    /// The plan's row changes as compare-and-swaps from the rows recovery read (`stored`) to their final rows,
    /// including rows an earlier decision of the same recovery changed (`changedBefore`: the interrupted run's), so
    /// that recovery writes every row once, in one transaction, from exactly what it read.
    public func swaps(from stored: [StoredInputState], changedBefore: [StoredInputState]) -> [InputSwap] {
        let read = Dictionary(stored.map { ($0.inputID, $0) }, uniquingKeysWith: { $1 })
        var order: [InputID] = []
        var final: [InputID: StoredInputState?] = [:]
        func change(_ id: InputID, to row: StoredInputState?) {
            if !final.keys.contains(id) { order.append(id) }
            final[id] = .some(row)
        }
        for row in changedBefore { change(row.inputID, to: row) }
        for (_, next) in rewrites { change(next.inputID, to: next) }
        for row in discards { change(row.inputID, to: nil) }
        return order.compactMap { id in
            guard let expected = read[id], let next = final[id] else { return nil }
            return InputSwap(expected: expected, next: next)
        }
    }
}

/// Whether a boundary receipt exists for a run and sequence: true/false, or nil when it cannot be observed.
public typealias ReceiptObservation = @Sendable (RunID, UInt64) -> Bool?

extension RuntimeMachine {
    /// Rebuilds a machine from durable rows after a process death. Terminal rows only restore idempotency bindings
    /// (through the store's index); each active row is normalised by its observed phase:
    /// accepted → queued; queued stays queued (its lane and order kept); staged → queued; applied or
    /// applied_pending_consumption → consumed when its receipt is committed, queued when it is missing, unchanged
    /// when receipts cannot be observed; ephemeral rows are discarded. A staged or applied row that already spent its
    /// last attempt (RUNTIME.md §5.3, max 3) is abandoned `max_attempts_exhausted` instead of being run a fourth time.
    /// The runtime comes back `idle`.
    public static func recover(
        runtimeID: LogicalRuntimeID, rows: [StoredInputState], receiptExists: ReceiptObservation, now: Date
    ) throws(RuntimeDriverError) -> RecoveryPlan {
        var machine = RuntimeMachine(runtimeID: runtimeID)
        machine.phase = .resting(.idle)
        var rewrites: [(StoredInputState, StoredInputState)] = []
        var discards: [StoredInputState] = []
        var report = RecoveryReport()
        let ordered = rows.sorted {
            ($0.seed.admissionSequence ?? .max, $0.inputID) < ($1.seed.admissionSequence ?? .max, $1.inputID)
        }
        machine.nextAdmissionSequence = (rows.compactMap(\.seed.admissionSequence).max() ?? 0) + 1

        for row in ordered where !row.isTerminal {
            if row.state.durability == .ephemeral {
                discards.append(row)
                report.inputsAbandoned += 1
                report.details.append("\(row.inputID): discarded (ephemeral)")
                continue
            }
            guard let input = row.state.persistedInput, let semantics = row.state.runtimeSemantics else {
                throw .recoveryCorruption(reason: "active input \(row.inputID) has no persisted input or semantics")
            }
            var seed = row.seed
            var next = row
            var reason: String?
            let lane = seed.recoveryLane ?? (semantics.liveInterruptRequired ? .steer : .queue)
            switch seed.phase {
            case .accepted:
                reason = "QueueAccepted"
            case .queued:
                break
            case .staged:
                reason = "RollbackStaged"
            case .applied, .appliedPendingConsumption:
                if let run = seed.lastRunID, let sequence = seed.lastBoundarySequence {
                    switch receiptExists(run, sequence) {
                    case true?:
                        seed.phase = .consumed
                        seed.terminalOutcome = .consumed
                        next.seed = seed
                        next.state.recordTransition(
                            from: row.phase, to: .consumed, reason: "BoundaryReceiptCommitted", at: now)
                        next.state.recoveryCount += 1
                        rewrites.append((row, next))
                        report.inputsRecovered += 1
                        report.details.append("\(row.inputID): consumed (receipt committed)")
                        continue
                    case false?:
                        reason = "MissingBoundaryReceipt"
                    case nil:
                        break
                    }
                } else {
                    reason = "MissingBoundaryReceipt"
                }
            case .consumed, .superseded, .coalesced, .abandoned:
                continue
            }
            if reason != nil, seed.phase != .accepted, seed.attemptCount >= InputStateSeed.maxStageAttempts {
                // The dead process spent the input's last attempt: another run would exceed the retry budget.
                let outcome = InputTerminalOutcome.abandoned(reason: .maxAttemptsExhausted(attempts: seed.attemptCount))
                seed.phase = .abandoned
                seed.terminalOutcome = outcome
                next.seed = seed
                next.state.terminalCompletion = CompletionClassifier.outcome(forTerminal: outcome)
                next.state.recordTransition(from: row.phase, to: .abandoned, reason: "MaxAttemptsExhausted", at: now)
                next.state.recoveryCount += 1
                rewrites.append((row, next))
                report.inputsAbandoned += 1
                report.details.append("\(row.inputID): abandoned (attempts exhausted)")
                continue
            }
            let sequence = seed.admissionSequence ?? machine.mintSequence()
            let phase: InputLifecycleState = reason == nil ? seed.phase : .queued
            var facts = InputFacts(
                kind: input.kind, phase: phase, lane: phase == .queued ? lane : nil, recoveryLane: lane,
                attempts: seed.attemptCount, admissionSequence: sequence,
                // A row rolled back to its lane loses its run association, as RollbackStaged does in a live run.
                lastRunID: reason == nil ? seed.lastRunID : nil,
                boundarySequence: seed.lastBoundarySequence, terminal: nil, semantics: semantics,
                idempotencyKey: row.state.idempotencyKey, supersession: input.supersessionScope(in: runtimeID),
                shell: row.state)
            if phase == .queued, lane == .steer {
                // A live steer of a dead run can only run as an ordinary turn now.
                facts.semantics = semantics.normalizedToQueue()
            }
            if row.state.appliedToTranscript {
                // A continued run resumes from the transcript: it never batches with inputs that bring content.
                facts.semantics.executionKind = .resumePending
            }
            if let key = row.state.idempotencyKey { machine.idempotency[key] = row.inputID }
            report.inputsRecovered += 1
            if let reason {
                next.seed = facts.seed
                next.state.runtimeSemantics = facts.semantics
                next.state.recordTransition(from: row.phase, to: .queued, reason: reason, at: now)
                next.state.recoveryCount += 1
                rewrites.append((row, next))
                report.inputsRequeued += 1
                report.details.append("\(row.inputID): requeued (\(reason))")
            } else if row.seed.admissionSequence == nil || facts.semantics != semantics {
                // The row is written back whenever the machine's picture of it changed (an order token minted, a
                // dead run's live steer normalised to a queued turn), so the stored row stays the derived one.
                next.seed = facts.seed
                next.state.runtimeSemantics = facts.semantics
                rewrites.append((row, next))
            }
            // The machine keeps the input's whole row: the shell as written back.
            facts.shell = next.state
            machine.inputs[row.inputID] = facts
        }
        return RecoveryPlan(machine: machine, rewrites: rewrites, discards: discards, report: report)
    }
}

// MARK: - Interrupted runs

/// What recovery observed of a run a dead process left open (RUNTIME.md §11.4): its durable transcript tail.
public struct InterruptedRunObservation: Sendable, Hashable {
    /// The run.
    public var runID: RunID
    /// True when the run had written progress to the transcript (its inputs were applied).
    public var touchedTranscript: Bool
    /// True when the run had finished (its last response had no tool calls) and only its commit was lost.
    public var finished: Bool

    public init(runID: RunID, touchedTranscript: Bool, finished: Bool) {
        self.runID = runID
        self.touchedTranscript = touchedTranscript
        self.finished = finished
    }
}

/// What the machine decided for the inputs of an interrupted run.
public struct InterruptedRunDecision: Sendable, Hashable {
    /// Rows to write, in the transaction that closes the transcript tail.
    public var rows: [StoredInputState] = []
    /// Inputs consumed (the run had finished).
    public var consumed: [InputID] = []
    /// Inputs whose run is continued from the transcript.
    public var continued: [InputID] = []
    /// Inputs abandoned because the crash took their last attempt.
    public var abandoned: [InputID] = []
    /// Inputs that end now and are named by the closing receipt (consumed and abandoned).
    public var ended: [InputID] { consumed + abandoned }
}

extension RuntimeMachine {
    /// Decides the inputs of a run a dead process left open, before the transcript tail is closed. A run that never
    /// touched the transcript changes nothing (its inputs were never applied: ordinary recovery requeues them). A
    /// finished run's inputs are consumed. Otherwise each input is **continued**: back in its lane, marked as
    /// applied to the transcript, so the next run resumes from the transcript (the model sees the interrupted tool
    /// calls and decides) and nothing is applied or executed twice; an input whose last attempt the crash took
    /// (RUNTIME.md §5.3, max 3) is abandoned `max_attempts_exhausted` instead. `receiptSequence` is the sequence of
    /// the receipt that names the inputs ending now.
    public static func decideInterruptedRun(
        _ observation: InterruptedRunObservation, rows: [StoredInputState], receiptSequence: UInt64, at now: Date
    ) -> InterruptedRunDecision {
        var decision = InterruptedRunDecision()
        guard observation.touchedTranscript else { return decision }
        for var row in rows where row.seed.lastRunID == observation.runID && !row.isTerminal {
            let from = row.seed.phase
            let reason: String
            row.seed.lastBoundarySequence = nil
            if observation.finished {
                row.seed.phase = .consumed
                row.seed.terminalOutcome = .consumed
                row.seed.lastBoundarySequence = receiptSequence
                row.state.terminalCompletion = .completedWithoutResult
                row.state.persistedInput = nil
                reason = "DurableTailRecovered"
                decision.consumed.append(row.inputID)
            } else if row.seed.attemptCount >= InputStateSeed.maxStageAttempts {
                let outcome = InputTerminalOutcome.abandoned(
                    reason: .maxAttemptsExhausted(attempts: row.seed.attemptCount))
                row.seed.phase = .abandoned
                row.seed.terminalOutcome = outcome
                row.seed.lastBoundarySequence = receiptSequence
                row.state.terminalCompletion = CompletionClassifier.outcome(forTerminal: outcome)
                row.state.persistedInput = nil
                reason = "MaxAttemptsExhausted"
                decision.abandoned.append(row.inputID)
            } else {
                // Continued: queued again with the run association removed (RollbackStaged), resuming from the
                // transcript instead of applying the input a second time.
                row.seed.phase = .queued
                row.seed.lastRunID = nil
                row.state.appliedToTranscript = true
                reason = "InterruptedRunContinued"
                decision.continued.append(row.inputID)
            }
            row.state.recordTransition(from: from, to: row.seed.phase, reason: reason, at: now)
            row.state.recoveryCount += 1
            decision.rows.append(row)
        }
        return decision
    }
}
