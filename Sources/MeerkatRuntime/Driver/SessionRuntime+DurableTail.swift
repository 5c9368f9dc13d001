import Foundation
public import MeerkatCore

/// What durable-tail recovery did (RUNTIME.md §11.4).
public struct DurableTailRecovery: Sendable, Hashable {
    /// The run whose tail was found.
    public var runID: RunID
    /// Tool calls that had no result and were closed with an error result.
    public var closedToolUseIDs: [String]
    /// Inputs consumed because the run had finished and only its commit was lost.
    public var consumedInputs: [InputID]
    /// Inputs whose run is continued from the closed transcript.
    public var continuedInputs: [InputID]
    /// Inputs abandoned because the crash took their last attempt.
    public var abandonedInputs: [InputID]
    /// True when the run had finished (its last response had no tool calls) and only its commit was lost.
    public var runHadFinished: Bool
}

extension SessionRuntime {
    /// Session metadata key marking the run whose progress is durable but whose boundary is not committed yet.
    public static let openRunMarkerKey = "runtime_open_run"

    /// Text of the error result that closes a tool call whose run died with the process.
    public static let interruptedToolResultText =
        "The run was interrupted before this tool call returned (the process stopped); its effects are unknown."

    /// Persists mid-run transcript progress with the open-run marker. The run goes on when this write fails (the
    /// boundary commit is the authority; a lost progress write only means less is recoverable after a crash), but the
    /// failure is published and counted.
    func saveProgress(run: RunID, session: Session, runStartIndex: Int) async {
        guard machine.currentRun == run else { return }
        var marked = session
        marked.metadata[Self.openRunMarkerKey] = [
            "run_id": .string(run.description), "start": .number(Double(runStartIndex)),
        ]
        do {
            try await store.atomicApply(runtimeID, BoundaryCommit(session: marked))
        } catch {
            reportBackgroundFailure("save_progress", run: run, Self.driverError(error))
        }
    }

    /// A durable tail closed in memory, written by recovery's one transaction.
    struct ClosedTail: Sendable {
        /// The transcript with the dangling tool calls answered and the notice appended, without the marker.
        var session: Session
        /// The receipt naming the run's inputs that end now (nil when none ends).
        var receipt: RunBoundaryReceipt?
        /// The run's input rows as the machine decided them.
        var rows: [StoredInputState]
        var recovery: DurableTailRecovery
    }

    /// Closes a durable tail left by a dead process, before any new turn (RUNTIME.md §11.4): every `tool_use` without a
    /// result gets an error result saying the run was interrupted, and a notice tells the model what happened. The
    /// machine decides the run's inputs (`RuntimeMachine.decideInterruptedRun`): continued from the closed transcript,
    /// consumed when the run had finished, abandoned when the crash took their last attempt. Nothing is written here:
    /// the closed transcript, the marker's removal, the inputs' rows and the receipt of the inputs that end go into
    /// recovery's one transaction. Nil when the session has no open-run marker.
    static func closeDurableTail(
        session stored: Session?, rows: [StoredInputState], receipts: [RunBoundaryReceipt], now: Date
    ) -> ClosedTail? {
        guard var session = stored,
            let marker = session.metadata[openRunMarkerKey],
            let run = marker["run_id"]?.stringValue.flatMap({ RunID($0) }),
            let start = marker["start"]?.intValue
        else { return nil }
        session.metadata.removeValue(forKey: openRunMarkerKey)
        let tail = session.messages.count > start ? Array(session.messages[start...]) : []
        let dangling = session.unansweredToolUseIDs
        let finished: Bool = {
            guard case .assistant = tail.last, dangling.isEmpty else { return false }
            return tail.last?.toolCalls.isEmpty == true
        }()
        if !dangling.isEmpty {
            session.messages.append(
                .toolResults(
                    results: dangling.map { ToolResult(toolUseID: $0, text: interruptedToolResultText, isError: true) },
                    createdAt: now))
        }
        if !tail.isEmpty, !finished {
            session.messages.append(
                .systemNotice(
                    kind: .generic,
                    blocks: [
                        .text(
                            "The previous run was interrupted when the process stopped. Tool calls above that have an "
                                + "'interrupted' result did not complete; check their effects before relying on them.")
                    ], createdAt: now))
        }
        session.updatedAt = now

        let sequence = (receipts.filter { $0.runID == run }.map(\.sequence).max() ?? 0) + 1
        let decision = RuntimeMachine.decideInterruptedRun(
            InterruptedRunObservation(runID: run, touchedTranscript: !tail.isEmpty, finished: finished), rows: rows,
            receiptSequence: sequence, at: now)
        let receipt =
            decision.ended.isEmpty
            ? nil
            : RunBoundaryReceipt(
                runID: run, boundary: .runStart, contributingInputIDs: decision.ended,
                messageCount: session.messages.count, sequence: sequence)
        return ClosedTail(
            session: session, receipt: receipt, rows: decision.rows,
            recovery: DurableTailRecovery(
                runID: run, closedToolUseIDs: dangling, consumedInputs: decision.consumed,
                continuedInputs: decision.continued, abandonedInputs: decision.abandoned, runHadFinished: finished))
    }
}
