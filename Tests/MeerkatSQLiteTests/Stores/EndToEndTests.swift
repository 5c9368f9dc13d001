import Foundation
import MeerkatCore
import MeerkatRuntime
import MeerkatSQLite
import Testing

/// `SessionRuntime` over the SQLite store, across a simulated restart (a new realm instance on the same files).
@Suite struct EndToEndTests {
    let root: TemporaryDirectory
    let realmID = try! RealmID("e2e")

    init() throws {
        root = try TemporaryDirectory()
    }

    private func open() throws -> Realm {
        try Realm.open(stateRoot: root.url, realmID: realmID)
    }

    @Test func admissionIsDurableBeforeItIsAcknowledged() async throws {
        let session = SessionID()
        let (runtime, _) = try await SessionRuntime.open(session: session, store: try open().runtimeStore)
        let input = Rows.prompt("hello", key: "k1")
        let (outcome, _) = try await runtime.accept(input)
        #expect(outcome.outcomeType == "accepted")
        // Another connection pool (as another process would) sees the queued row as soon as accept returned.
        let row = try await open().runtimeStore.loadInput(.session(session), input.id)
        #expect(row?.phase == .queued)
        #expect(row?.state.idempotencyKey == "k1")
    }

    @Test func aCompletedPromptDedupsAndAStagedRowIsRecoveredAfterRestart() async throws {
        let sessionID = SessionID()
        let runtimeID = LogicalRuntimeID.session(sessionID)
        let first = try open()
        let executor = TranscriptExecutor(session: Session(id: sessionID, createdAt: instant(0)))
        let (runtime, report) = try await SessionRuntime.open(session: sessionID, store: first.runtimeStore)
        #expect(report.inputsRecovered == 0)
        try await runtime.attach(executor)
        let prompt = Rows.prompt("hello", key: "k1")
        let (outcome, handle) = try await runtime.accept(prompt, wantsCompletion: true)
        #expect(outcome.outcomeType == "accepted")
        let completion = try await #require(handle).wait()
        guard case .completed(let result) = completion else {
            Issue.record("expected completed, got \(completion)")
            return
        }
        #expect(result.text == "answer 1")
        await settled(runtime)

        // The boundary committed the transcript, the receipt and the terminal row together.
        let committed = try #require(try await first.sessionStore.load(sessionID))
        #expect(committed.messages.count == 2)
        let receipts = try await first.runtimeStore.loadReceipts(runtimeID)
        #expect(receipts.count == 1)
        #expect(receipts.first?.contributingInputIDs == [prompt.id])
        let done = try #require(try await first.runtimeStore.loadInput(runtimeID, prompt.id))
        #expect(done.phase == .consumed)
        #expect(done.state.terminalCompletion == completion)
        #expect(try await first.runtimeStore.loadLifecycle(runtimeID) != nil)

        // A dead process left a staged row behind: staged for a run whose boundary never committed.
        let orphan = Rows.prompt("interrupted", key: "k2")
        var staged = Rows.row(
            orphan,
            InputStateSeed(
                phase: .staged, lastRunID: RunID(), admissionSequence: 9,
                attemptCount: 1, recoveryLane: .queue))
        staged.state.recordTransition(from: .queued, to: .staged, reason: "StageForRun", at: instant(20))
        try await first.runtimeStore.writeInputs(runtimeID, [staged])

        // Restart: a fresh realm instance (new pool, new stores) over the same files.
        let second = try open()
        let (reopened, recovery) = try await SessionRuntime.open(session: sessionID, store: second.runtimeStore)
        #expect(recovery.inputsRequeued == 1)
        #expect(await reopened.listActiveInputs() == [orphan.id])
        let requeued = try #require(try await second.runtimeStore.loadInput(runtimeID, orphan.id))
        #expect(requeued.phase == .queued)
        #expect(requeued.state.history.last?.reason == "RollbackStaged")

        // The idempotency key of the finished prompt still deduplicates after the restart.
        let (retry, retryHandle) = try await reopened.accept(
            Rows.prompt("hello again", key: "k1"), wantsCompletion: true)
        #expect(retry.outcomeType == "deduplicated")
        #expect(retry.effectiveInputID == prompt.id)
        #expect(retryHandle == nil)
        #expect(try await reopened.inputTerminalCompletion(prompt.id) == completion)
        let (retryOrphan, _) = try await reopened.accept(Rows.prompt("again", key: "k2"))
        #expect(retryOrphan.effectiveInputID == orphan.id)

        // Attaching an executor that continues the committed transcript runs the recovered input.
        let resumed = TranscriptExecutor(session: committed)
        try await reopened.attach(resumed)
        await settled(reopened)
        #expect(try await second.runtimeStore.loadInput(runtimeID, orphan.id)?.phase == .consumed)
        let third = try open()
        #expect(try await third.sessionStore.load(sessionID)?.messages.count == 4)
        #expect(try await third.runtimeStore.loadReceipts(runtimeID).count == 2)
        #expect(try await third.sessionStore.loadMeta(sessionID)?.messageCount == 4)
    }
}
