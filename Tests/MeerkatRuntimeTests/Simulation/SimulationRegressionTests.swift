import Foundation
import MeerkatCore
import MeerkatRuntime
import Testing

/// Focused tests for the defects the randomized simulations found, so each stays fixed without a seed.
@Suite("Runtime simulation regressions")
struct SimulationRegressionTests {
    private func attached() throws -> RuntimeMachine {
        var machine = RuntimeMachine(runtimeID: "rt:regression")
        try machine.initialize()
        try machine.attach()
        return machine
    }

    @Test func refusedResolveUnstageableChangesNothing() throws {
        var machine = try attached()
        let queued = Inputs.prompt("a")
        let staged = Inputs.prompt("b")
        _ = try machine.admit(staged)
        _ = try machine.admit(queued)
        try machine.beginRun(RunID(), batch: try #require(machine.nextBatch()))
        let before = machine
        #expect(throws: MachineGuardError.self) { _ = try machine.resolveUnstageable([queued.id, staged.id]) }
        #expect(machine == before)
        #expect(throws: MachineGuardError.self) { _ = try machine.resolveUnstageable([queued.id, queued.id]) }
        #expect(machine == before)
    }

    @Test func liveSteersNamedTwiceAreRefused() throws {
        var machine = try attached()
        _ = try machine.admit(Inputs.prompt("turn"))
        let run = RunID()
        try machine.beginRun(run, batch: try #require(machine.nextBatch()))
        let steer = Inputs.prompt("steer", steer: true)
        _ = try machine.admit(steer)
        let before = machine
        #expect(throws: MachineGuardError.self) { _ = try machine.applyLiveSteers([steer.id, steer.id], run: run) }
        #expect(machine == before)
        #expect(try machine.applyLiveSteers([steer.id], run: run) == 1)
        #expect(machine.facts(steer.id)?.attempts == 1)
    }

    @Test func recoveryAbandonsAStagedRowThatSpentItsLastAttempt() throws {
        let input = Inputs.prompt("third try")
        let plan = try PolicyTable.resolve(input, context: .idle)
        let row = StoredInputState(
            state: InputState(admitting: input, plan: plan, at: Date()),
            seed: InputStateSeed(
                phase: .staged, lastRunID: RunID(), admissionSequence: 1, attemptCount: 3, recoveryLane: .queue))
        let recovered = try RuntimeMachine.recover(
            runtimeID: "rt:regression", rows: [row], receiptExists: { _, _ in false }, now: Date())
        #expect(recovered.machine.facts(input.id) == nil)
        #expect(recovered.report.inputsAbandoned == 1)
        let next = try #require(recovered.rewrites.first?.next)
        #expect(next.seed.terminalOutcome == .abandoned(reason: .maxAttemptsExhausted(attempts: 3)))
        #expect(next.state.terminalCompletion != nil)
    }

    @Test func redeliveringAFinishedInputDeduplicatesAndKeepsItsRow() async throws {
        let executor = TestExecutor()
        let (runtime, store) = try await makeRuntime(executor: executor)
        let input = Inputs.prompt("once")
        let (_, handle) = try await runtime.accept(input, wantsCompletion: true)
        _ = try await handle?.wait()
        await settled(runtime)
        let finished = try await store.loadInput(runtime.runtimeID, input.id)
        #expect(finished?.phase == .consumed)
        let (again, againHandle) = try await runtime.accept(input, wantsCompletion: true)
        #expect(again.isDeduplicated && again.effectiveInputID == input.id && againHandle == nil)
        await settled(runtime)
        #expect(try await store.loadInput(runtime.runtimeID, input.id) == finished)
        #expect(await executor.applyCount == 1)
    }

    @Test func cancelAfterBoundaryNeverReachesALaterRun() async throws {
        let executor = TestExecutor([.block(then: .complete("first")), .checkpoint(then: .complete("second"))])
        let (runtime, _) = try await makeRuntime(executor: executor)
        let (_, first) = try await runtime.accept(Inputs.prompt("first"), wantsCompletion: true)
        await executor.waitUntilBlocked()
        await runtime.cancelAfterBoundary(reason: "only the first run")
        await executor.release()  // the first run ends without passing a checkpoint
        _ = try await first?.wait()
        let (_, second) = try await runtime.accept(Inputs.prompt("second"), wantsCompletion: true)
        guard case .completed = try await second?.wait() else {
            Issue.record("the second run must not be cancelled by a request made for the first")
            return
        }
        #expect(await executor.interrupts.isEmpty)
    }
}
