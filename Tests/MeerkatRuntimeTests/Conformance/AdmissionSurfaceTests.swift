import Foundation
import MeerkatCore
import MeerkatRuntime
import Testing

/// The admission surface through `RuntimeRegistry` (RUNTIME.md §2.4, §3, §15, §11.6): validation and pre-checks as
/// `validation_failed` with nothing stored, lookup errors, accept-without-wake, the event sequence of one prompt and the
/// terminal-status queries.
@Suite("Admission surface (RUNTIME.md §2.4, §3, §11.6, §15)")
struct AdmissionSurfaceTests {
    /// An input the surface must refuse, and the rule its reason must name.
    struct Refusal: Sendable, CustomTestStringConvertible {
        var name: String
        var input: Input
        var rule: String
        var detail: String
        var testDescription: String { name }
    }

    static let refusals: [Refusal] = [
        Refusal(
            name: "rule 2: derived from external ingress", input: Inputs.prompt("x", durability: .derived),
            rule: "durability_violation", detail: "External ingress cannot submit derived inputs"),
        Refusal(
            name: "rule 3: derived prompt from system",
            input: .prompt(
                PromptInput(header: InputHeader(source: .system, durability: .derived), content: .text("x"))),
            rule: "durability_violation", detail: "Derived durability forbidden for prompt"),
        Refusal(
            name: "rule 3: derived flow step from a flow",
            input: .flowStep(
                FlowStepInput(
                    header: InputHeader(source: .flow(flowID: "f", stepIndex: 0), durability: .derived), stepID: "s1",
                    content: .text("x"))),
            rule: "durability_violation", detail: "Derived durability forbidden for flow_step"),
        Refusal(
            name: "rule 4: progress carrying a handling mode",
            input: Inputs.peer("50%", convention: .responseProgress(requestID: "r1", phase: .inProgress), mode: .queue),
            rule: "peer_handling_mode_invalid", detail: "forbidden on a peer response_progress"),
        Refusal(
            name: "rule 4: steer peer carrying injected context",
            input: .peer(
                PeerInput(
                    header: InputHeader(source: .peer(peerID: "peer-1")), convention: .message, content: .text("x"),
                    handlingMode: .steer, injectedContext: [.text("host context")])),
            rule: "peer_handling_mode_invalid", detail: "carries injected_context"),
        Refusal(
            name: "rule 5: terminal with a blank request id",
            input: Inputs.peer("done", convention: .responseTerminal(requestID: "  ", status: .completed)),
            rule: "peer_response_terminal_invalid", detail: "request_id is blank"),
        Refusal(
            name: "rule 5: terminal with status cancelled",
            input: Inputs.peer("done", convention: .responseTerminal(requestID: "r1", status: .cancelled)),
            rule: "peer_response_terminal_invalid", detail: "status cancelled is not admissible"),
        Refusal(
            name: "rule 5: terminal without a peer origin",
            input: .peer(
                PeerInput(convention: .responseTerminal(requestID: "r1", status: .completed), content: .text("done"))),
            rule: "peer_response_terminal_invalid", detail: "requires a peer origin"),
        Refusal(
            name: "pre-check: external event payload with a blocks key",
            input: .externalEvent(ExternalEventInput(eventType: "upload", payload: ["blocks": .array([])])),
            rule: "external_event_payload_blocks", detail: "must not contain a `blocks` key"),
        Refusal(
            name: "pre-check: blank prompt", input: Inputs.prompt("   "), rule: "blank_prompt",
            detail: "prompt content is blank"),
    ]

    /// A registry over a fresh in-memory store with one registered session.
    static func registry(executor: TestExecutor? = nil) async throws
        -> (RuntimeRegistry, InMemoryRuntimeStore, SessionID, SessionRuntime)
    {
        let store = InMemoryRuntimeStore()
        let registry = RuntimeRegistry(store: store)
        let session = SessionID()
        let (runtime, _) = try await registry.register(session: session, executor: executor)
        return (registry, store, session, runtime)
    }

    static func expectValidationFailed(
        _ refusal: Refusal, sourceLocation: SourceLocation = #_sourceLocation,
        _ body: () async throws(RuntimeDriverError) -> Void
    ) async {
        do {
            try await body()
            Issue.record("\(refusal.name) must be refused", sourceLocation: sourceLocation)
        } catch {
            guard case .validationFailed(let reason) = error else {
                Issue.record("expected validation_failed, got \(error)", sourceLocation: sourceLocation)
                return
            }
            #expect(reason.hasPrefix(refusal.rule + ":"), "reason '\(reason)'", sourceLocation: sourceLocation)
            #expect(reason.contains(refusal.detail), "reason '\(reason)'", sourceLocation: sourceLocation)
        }
    }

    // MARK: Validation and pre-checks

    @Test(arguments: refusals)
    func refusedInput_surfacesValidationFailedNamingTheRuleAndStoresNothing(_ refusal: Refusal) async throws {
        let executor = TestExecutor()
        let (registry, store, session, _) = try await Self.registry(executor: executor)
        let writes = await store.writeCount
        await Self.expectValidationFailed(refusal) { () throws(RuntimeDriverError) in
            _ = try await registry.acceptInput(refusal.input, session: session)
        }
        await Self.expectValidationFailed(refusal) { () throws(RuntimeDriverError) in
            _ = try await registry.acceptInputWithCompletion(refusal.input, session: session)
        }
        await Self.expectValidationFailed(refusal) { () throws(RuntimeDriverError) in
            _ = try await registry.acceptInputWithoutWake(refusal.input, session: session)
        }
        #expect(await store.writeCount == writes)
        #expect(try await store.loadInputs(.session(session)).isEmpty)
        #expect(try await registry.listActiveInputs(session: session).isEmpty)
        #expect(try await registry.inputState(refusal.input.id, session: session) == nil)
        #expect(await executor.applyCount == 0)
    }

    @Test func validation_theFirstFailingRuleWins() async throws {
        let (registry, _, session, _) = try await Self.registry()
        // Derived from a peer (rule 2) and a progress with a handling mode (rule 4): rule 2 is reported.
        let both = Input.peer(
            PeerInput(
                header: InputHeader(source: .peer(peerID: "peer-1"), durability: .derived),
                convention: .responseProgress(requestID: "r1", phase: .inProgress), content: .text("x"),
                handlingMode: .steer))
        let rule2 = Refusal(
            name: "rule 2 before rule 4", input: both, rule: "durability_violation",
            detail: "External ingress cannot submit derived inputs")
        await Self.expectValidationFailed(rule2) { () throws(RuntimeDriverError) in
            _ = try await registry.acceptInput(both, session: session)
        }
    }

    @Test func validation_rule1MissingDurabilityIsOnlyReachableFromUntypedFacts() {
        // A typed `Input` always carries a durability, so rule 1 cannot reach the registry; the rule itself holds.
        let facts = AdmissionValidationFacts(kind: .prompt, origin: .operator, durability: nil)
        #expect(
            InputValidation.validate(facts) == .durabilityViolation(detail: "input durability observation missing"))
        #expect(RuntimeDriverError.rejected(InputValidation.validate(facts)!).code == "validation_failed")
    }

    // MARK: Lookup errors

    @Test func unknownSession_isNotFound() async throws {
        let registry = RuntimeRegistry()
        let session = SessionID()
        let notFound = RuntimeDriverError.notFound(runtimeID: .session(session))
        await #expect(throws: notFound) { _ = try await registry.acceptInput(Inputs.prompt("x"), session: session) }
        await #expect(throws: notFound) {
            _ = try await registry.acceptInputWithCompletion(Inputs.prompt("x"), session: session)
        }
        await #expect(throws: notFound) {
            _ = try await registry.acceptInputWithoutWake(Inputs.prompt("x"), session: session)
        }
        await #expect(throws: notFound) {
            _ = try await registry.interactionTerminalStatus(session: session, .inputID(InputID()))
        }
        await #expect(throws: notFound) { _ = try await registry.runTerminalStatus(session: session, run: RunID()) }
    }

    @Test func destroyedSession_isDestroyed() async throws {
        let (registry, store, session, _) = try await Self.registry()
        _ = try await registry.destroyRuntime(session: session)
        let writes = await store.writeCount
        await #expect(throws: RuntimeDriverError.destroyed) {
            _ = try await registry.acceptInput(Inputs.prompt("x"), session: session)
        }
        await #expect(throws: RuntimeDriverError.destroyed) {
            _ = try await registry.acceptInputWithoutWake(Inputs.prompt("x"), session: session)
        }
        #expect(await store.writeCount == writes)
    }

    @Test func retiredOrStoppedSession_isNotReady() async throws {
        let (registry, _, session, _) = try await Self.registry()
        _ = try await registry.retireRuntime(session: session)
        await #expect(throws: RuntimeDriverError.notReady(state: .retired)) {
            _ = try await registry.acceptInput(Inputs.prompt("x"), session: session)
        }
        let (stoppedRegistry, _, stopped, _) = try await Self.registry(executor: TestExecutor())
        try await stoppedRegistry.stopRuntimeExecutor(session: stopped)
        await #expect(throws: RuntimeDriverError.notReady(state: .stopped)) {
            _ = try await stoppedRegistry.acceptInput(Inputs.prompt("x"), session: stopped)
        }
    }

    // MARK: Accept without wake

    @Test func acceptInputWithoutWake_leavesTheRuntimeIdleUntilALaterWake() async throws {
        let executor = TestExecutor()
        let (registry, store, session, runtime) = try await Self.registry(executor: executor)
        let quiet = Inputs.prompt("no hurry")
        let outcome = try await registry.acceptInputWithoutWake(quiet, session: session)
        guard case .accepted(_, let policy, _, let seed) = outcome else {
            Issue.record("expected accepted, got \(outcome)")
            return
        }
        #expect(seed.phase == .queued && policy.wakeMode == .none)
        #expect(try await store.loadInput(.session(session), quiet.id)?.phase == .queued)  // durable before ack
        let loopActive = await runtime.isLoopActive
        #expect(!loopActive)
        #expect(await executor.applyCount == 0)
        #expect(await runtime.state == .attached)
        #expect(try await registry.listActiveInputs(session: session) == [quiet.id])

        // The next natural wake drains it first.
        let (_, handle) = try await registry.acceptInputWithCompletion(Inputs.prompt("now"), session: session)
        let wake = try #require(handle)
        guard case .completed = try await wake.wait() else {
            Issue.record("the waking input completes")
            return
        }
        await settled(runtime)
        #expect(await executor.primitives.map(\.contributingInputIDs) == [[quiet.id], [wake.inputID]])
        #expect(try await store.loadInput(.session(session), quiet.id)?.phase == .consumed)
    }

    // MARK: Events

    @Test func events_forOnePrompt_inOrder() async throws {
        let executor = TestExecutor()
        let (registry, _, session, runtime) = try await Self.registry(executor: executor)
        let stream = runtime.events.subscribe()
        let input = Inputs.prompt("hello")
        let (_, handle) = try await registry.acceptInputWithCompletion(input, session: session)
        _ = try await #require(handle).wait()
        await settled(runtime)
        runtime.events.finish()
        var events: [RuntimeEvent] = []
        for await event in stream { events.append(event) }
        let run = try #require(await executor.runs.first)

        let lifecycle = events.map(\.kind).filter {
            if case .inputStateTransitioned = $0 { return false }
            return true
        }
        #expect(
            lifecycle == [
                .inputAccepted(input.id), .inputQueued(input.id), .runtimeStateChanged(from: .attached, to: .running),
                .runStarted(run), .inputStaged(input.id, runID: run), .inputApplied(input.id, runID: run),
                .inputConsumed(input.id, runID: run), .runCompleted(run),
                .runtimeStateChanged(from: .running, to: .attached),
            ])
        #expect(
            lifecycle.map(\.code) == [
                "input.accepted", "input.queued", "runtime.state_changed", "run.started", "input.staged",
                "input.applied", "input.consumed", "run.completed", "runtime.state_changed",
            ])
        let transitions = events.compactMap { event -> [InputLifecycleState]? in
            if case .inputStateTransitioned(input.id, let from, let to) = event.kind { return [from, to] }
            return nil
        }
        #expect(
            transitions == [
                [.queued, .staged], [.staged, .applied], [.applied, .appliedPendingConsumption],
                [.appliedPendingConsumption, .consumed],
            ])
        #expect(events.allSatisfy { $0.runtimeID == runtime.runtimeID })
    }

    // MARK: Terminal-status queries

    @Test func interactionTerminalStatus_byIDAndByKey_liveThenDurable() async throws {
        let (registry, _, session, _) = try await Self.registry()
        let key = IdempotencyKey("track-key")
        let input = Inputs.prompt("track me", key: "track-key")
        _ = try await registry.acceptInput(input, session: session)

        let live = try #require(try await registry.interactionTerminalStatus(session: session, .inputID(input.id)))
        #expect(live.source == .liveRuntime && live.inputID == input.id)
        #expect(live.phase == .queued && live.terminal == nil && live.resolvingRunID == nil)
        #expect(live.attemptCount == 0 && live.idempotencyKey == key)
        #expect(try await registry.interactionTerminalStatus(session: session, .idempotencyKey(key)) == live)

        let executor = TestExecutor()
        let (runtime, _) = try await registry.register(session: session, executor: executor)
        await settled(runtime)
        let run = try #require(await executor.runs.first)
        let done = try #require(try await registry.interactionTerminalStatus(session: session, .inputID(input.id)))
        #expect(done.source == .durableStore && done.phase == .consumed && done.terminal == .consumed)
        #expect(done.resolvingRunID == run && done.attemptCount == 1 && done.idempotencyKey == key)
        #expect(done.updatedAt >= live.updatedAt)
        #expect(try await registry.interactionTerminalStatus(session: session, .idempotencyKey(key)) == done)

        #expect(try await registry.interactionTerminalStatus(session: session, .inputID(InputID())) == nil)
        #expect(try await registry.interactionTerminalStatus(session: session, .idempotencyKey("unknown")) == nil)

        // After unregister the durable store still answers for the session.
        await registry.unregister(session: session)
        #expect(try await registry.interactionTerminalStatus(session: session, .idempotencyKey(key)) == done)
    }

    @Test func runTerminalStatus_noWitnessInFlightConsumedAbandoned() async throws {
        let executor = TestExecutor([.block(then: .complete("a")), .block(then: .complete("never"))])
        let (registry, _, session, runtime) = try await Self.registry(executor: executor)
        #expect(try await registry.runTerminalStatus(session: session, run: RunID()) == .noDurableWitness)

        let (_, first) = try await registry.acceptInputWithCompletion(Inputs.prompt("first"), session: session)
        await executor.waitUntilBlocked()
        let firstRun = try #require(await executor.runs.first)
        #expect(try await registry.runTerminalStatus(session: session, run: firstRun) == .inFlight)
        await executor.release()
        _ = try await #require(first).wait()
        #expect(try await registry.runTerminalStatus(session: session, run: firstRun) == .resolvedConsumed)

        let (_, second) = try await registry.acceptInputWithCompletion(Inputs.prompt("second"), session: session)
        await executor.waitUntilBlocked()
        let secondRun = try #require(await executor.runs.last)
        #expect(secondRun != firstRun)
        #expect(await runtime.interrupt(run: secondRun) == .interrupted)
        #expect(try await #require(second).wait() == .cancelled)
        #expect(
            try await registry.runTerminalStatus(session: session, run: secondRun) == .resolvedAbandoned(.cancelled))
        #expect(try await registry.runTerminalStatus(session: session, run: firstRun) == .resolvedConsumed)
    }
}
