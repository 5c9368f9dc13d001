import Foundation
import MeerkatCore
import Testing

@testable import MeerkatRuntime

/// An idle runtime's admission that starts a run stages it in the admission's own store write (one transaction
/// instead of two); everything else stages from the loop with a write of its own, as before.
@Suite("Staging with the admission")
struct StagedAdmissionTests {
    @Test func anIdleRuntimesPromptIsAdmittedAndStagedInOneWrite() async throws {
        let executor = TestExecutor([.block(then: .complete("done"))])
        let (runtime, store) = try await makeRuntime(executor: executor)
        var events = runtime.events.subscribe().makeAsyncIterator()
        let writes = await store.writeCount
        let (outcome, handle) = try await runtime.accept(Inputs.prompt("q"), wantsCompletion: true)
        let id = try #require(outcome.inputID)
        // The caller learns the admission's answer (queued); the store and the machine already hold the staged run.
        guard case .accepted(_, _, _, let seed) = outcome else {
            Issue.record("accepted expected, got \(outcome)")
            return
        }
        #expect(seed.phase == .queued)
        #expect(await store.writeCount == writes + 1)
        #expect(await runtime.state == .running)
        let run = try #require(await runtime.currentRunID)
        let row = try #require(try await store.loadInput(runtime.runtimeID, id))
        #expect(row.phase == .staged && row.seed.lastRunID == run && row.seed.attemptCount == 1)
        // Events in the order two writes would have published them: the admission's, then the staging's.
        var kinds: [String] = []
        while !kinds.contains("input.staged"), let event = await events.next() { kinds.append(event.kind.code) }
        #expect(kinds.first == "input.accepted")
        #expect(kinds.firstIndex(of: "input.queued").map { $0 < kinds.count - 1 } ?? true)
        // The loop starts the staged run as it is: the executor sees exactly that run.
        await executor.waitUntilBlocked()
        #expect(await executor.primitives.map(\.contributingInputIDs) == [[id]])
        await executor.release()
        guard case .completed = try await #require(handle).wait() else {
            Issue.record("the staged run completes")
            return
        }
        await settled(runtime)
        #expect(try await store.loadInput(runtime.runtimeID, id)?.seed.terminalOutcome == .consumed)
    }

    @Test func aPromptBehindARunningRunIsQueuedWithoutStaging() async throws {
        let executor = TestExecutor([.block(then: .complete("one")), .complete("two")])
        let (runtime, store) = try await makeRuntime(executor: executor)
        let (_, first) = try await runtime.accept(Inputs.prompt("first"), wantsCompletion: true)
        await executor.waitUntilBlocked()
        let (outcome, second) = try await runtime.accept(Inputs.prompt("second"), wantsCompletion: true)
        let id = try #require(outcome.inputID)
        #expect(try await store.loadInput(runtime.runtimeID, id)?.phase == .queued)
        await executor.release()
        _ = try await #require(first).wait()
        _ = try await #require(second).wait()
        #expect(await executor.primitives.count == 2)
    }

    @Test func withoutAnExecutorOrWithoutAWakeNothingIsStaged() async throws {
        let (runtime, store) = try await makeRuntime()
        let (detached, _) = try await runtime.accept(Inputs.prompt("no executor"))
        #expect(try await store.loadInput(runtime.runtimeID, try #require(detached.inputID))?.phase == .queued)
        let executor = TestExecutor([.block(then: .complete("a")), .complete("b")])
        try await runtime.attach(executor)
        await executor.waitUntilBlocked()
        await executor.release()
        await settled(runtime)
        let (quiet, _) = try await runtime.accept(Inputs.prompt("no wake"), withoutWake: true)
        #expect(try await store.loadInput(runtime.runtimeID, try #require(quiet.inputID))?.phase == .queued)
        #expect(await runtime.state == .attached)
    }

    @Test func aCrashAfterTheSharedWriteRequeuesTheInputWithItsAttemptCounted() async throws {
        let executor = TestExecutor([.block(then: .complete("never"))])
        let store = InMemoryRuntimeStore()
        let (runtime, _) = try await makeRuntime(executor: executor, store: store)
        let (outcome, _) = try await runtime.accept(Inputs.prompt("q"))
        let id = try #require(outcome.inputID)
        await executor.waitUntilBlocked()
        // The process dies: a new runtime opens the same store.
        let (recovered, report) = try await SessionRuntime.open(session: runtime.sessionID, store: store)
        #expect(report.inputsRequeued == 1)
        let row = try #require(try await recovered.inputState(id))
        #expect(row.phase == .queued && row.seed.attemptCount == 1)
        await executor.release()
    }

    @Test func aDuplicateFoundByTheAdmissionWritesNoStaging() async throws {
        let executor = TestExecutor([.complete("done")])
        let (runtime, store) = try await makeRuntime(executor: executor)
        let (first, handle) = try await runtime.accept(Inputs.prompt("q", key: "k"), wantsCompletion: true)
        _ = try await #require(handle).wait()
        await settled(runtime)
        // A fresh runtime over the same store no longer tracks the key live: the store's lookup answers.
        let (reopened, _) = try await SessionRuntime.open(session: runtime.sessionID, store: store)
        try await reopened.attach(TestExecutor())
        let writes = await store.writeCount
        let (again, _) = try await reopened.accept(Inputs.prompt("q", key: "k"))
        guard case .deduplicated(_, let existing, _) = again else {
            Issue.record("deduplicated expected, got \(again)")
            return
        }
        #expect(existing == first.inputID)
        #expect(await store.writeCount == writes)
        #expect(await reopened.state == .attached)
    }
}

/// `SessionRuntime.open(newSession: true)`: the caller just created the session, so nothing is read or written.
@Suite("Opening a new session's runtime")
struct NewSessionOpenTests {
    @Test func aNewSessionsRuntimeOpensWithoutReadingOrWriting() async throws {
        let store = InMemoryRuntimeStore()
        let session = SessionID()
        // A row the store holds for the id proves what was read: a new session's open does not see it.
        let (seeding, _) = try await SessionRuntime.open(session: session, store: store)
        _ = try await seeding.accept(Inputs.prompt("stored earlier"))
        let writes = await store.writeCount
        let (fresh, report) = try await SessionRuntime.open(session: session, store: store, newSession: true)
        #expect(await fresh.listActiveInputs().isEmpty)
        #expect(await fresh.state == .idle)
        #expect(report == RecoveryReport())
        #expect(await store.writeCount == writes)
        let (recovered, _) = try await SessionRuntime.open(session: session, store: store)
        #expect(await recovered.listActiveInputs().count == 1)
    }
}
