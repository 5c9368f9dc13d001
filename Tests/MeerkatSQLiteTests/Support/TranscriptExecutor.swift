import Foundation
import MeerkatCore
import MeerkatRuntime

/// A `CoreExecutor` for end-to-end store tests (adapted from the runtime tests' scriptable executor): each apply
/// appends a user/assistant pair to its transcript and hands the session back for the boundary commit.
actor TranscriptExecutor: CoreExecutor {
    private var session: Session
    private(set) var runs: [RunID] = []

    init(session: Session) { self.session = session }

    func apply(_ primitive: RunPrimitive, run: RunID, checkpoint: any RunCheckpoint) async throws(CoreExecutorError)
        -> CoreApplyOutput
    {
        runs.append(run)
        let turn = runs.count
        session.messages.append(Transcript.user("turn \(turn)", at: 2 * turn))
        session.messages.append(Transcript.assistant("answer \(turn)", at: 2 * turn + 1))
        session.updatedAt = instant(2 * turn + 1)
        return CoreApplyOutput(
            receipt: RunBoundaryReceiptDraft(
                boundary: primitive.applyBoundary, contributingInputIDs: primitive.contributingInputIDs,
                messageCount: session.messages.count),
            terminal: .runResult(
                RunResult(text: "answer \(turn)", sessionID: session.id, usage: Usage(), turns: 1, toolCalls: 0)),
            session: session)
    }

    func interrupt(run: RunID) async {}
    func interruptYielding() async {}
    func stop(reason: String) async {}
}

/// Waits until the runtime's loop has nothing left to do.
func settled(_ runtime: SessionRuntime) async {
    while await runtime.isLoopActive { await Task.yield() }
}
