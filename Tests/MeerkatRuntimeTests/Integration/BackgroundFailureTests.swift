import Foundation
import MeerkatCore
import Testing

@testable import MeerkatRuntime

/// Failures no caller waits for (issue 11): published as `runtime.background_failure` events and counted, and the
/// decision they interrupted leaves no trace — memory and store keep the state from before it.
@Suite("Background failures")
struct BackgroundFailureTests {
    @Test func aFailedStagingWriteIsPublishedCountedAndCostsNoAttempt() async throws {
        let (runtime, store) = try await makeRuntime()
        let (outcome, _) = try await runtime.accept(Inputs.prompt("q"))
        let id = try #require(outcome.inputID)
        var events = runtime.events.subscribe().makeAsyncIterator()
        await store.failWrites(with: .unavailable("disk busy"))
        try await runtime.attach(TestExecutor())
        await settled(runtime)
        #expect(await runtime.backgroundFailureCount == 1)
        var failure: RuntimeEvent?
        while let event = await events.next() {
            if case .backgroundFailure = event.kind {
                failure = event
                break
            }
        }
        guard case .backgroundFailure(let operation, let run, let error) = failure?.kind else {
            Issue.record("no background_failure event")
            return
        }
        #expect(operation == "stage_run")
        #expect(run != nil)
        #expect(error.reason == "recovery_backoff" && error.message.contains("disk busy"))
        #expect(failure?.kind.category == "runtime_failure" && failure?.kind.code == "runtime.background_failure")
        // Nothing was decided: the input is queued in memory and in the store, and no attempt was spent.
        #expect(await runtime.state == .attached)
        let row = try #require(try await store.loadInput(runtime.runtimeID, id))
        #expect(row.phase == .queued && row.seed.attemptCount == 0)
        #expect(try await runtime.inputState(id) == row)
    }

    @Test func aFailedProgressWriteIsPublishedAndTheRunGoesOn() async throws {
        let executor = TestExecutor([.block(then: .complete("done"))])
        let (runtime, store) = try await makeRuntime(executor: executor)
        let (_, handle) = try await runtime.accept(Inputs.prompt("q"), wantsCompletion: true)
        await executor.waitUntilBlocked()
        let run = try #require(await runtime.currentRunID)
        await store.failWrites(with: .io("disk full"))
        await runtime.saveProgress(run: run, session: Session(id: SessionID()), runStartIndex: 0)
        await store.failWrites(with: nil)
        #expect(await runtime.backgroundFailureCount == 1)
        await executor.release()
        guard case .completed = try await #require(handle).wait() else {
            Issue.record("the run completes although its progress write failed")
            return
        }
    }
}
