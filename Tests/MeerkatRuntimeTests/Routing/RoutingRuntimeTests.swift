import Foundation
import MeerkatCore
import Testing

@testable import MeerkatRuntime

/// A reconfigure host over a fixed model table, with failure injection and a pause inside `applyLive`.
actor FakeReconfigureHost: LLMReconfigureHost {
    static let models: [String: ResolvedLLMIdentity] = [
        "claude-a": .init(
            identity: .init(model: "claude-a", provider: "anthropic"),
            capabilities: .init(supportsThinking: true, vision: true, imageToolResults: true), hiddenTools: []),
        "gpt-b": .init(
            identity: .init(model: "gpt-b", provider: "openai"),
            capabilities: .init(supportsReasoning: true, vision: true, imageToolResults: true), hiddenTools: []),
        "tiny-c": .init(
            identity: .init(model: "tiny-c", provider: "self_hosted"), capabilities: .init(),
            hiddenTools: ["view_image"]),
    ]

    var failApply = false
    var failPersist = false
    var failRollback = false
    var applied: [String] = []
    var rolledBack: [String] = []
    var persisted: [String] = []
    var discarded = 0
    private var pause: (started: AsyncStream<Void>.Continuation, release: CheckedContinuation<Void, Never>?)?
    private var pauseRequested = false
    private var startedStream: AsyncStream<Void>?

    func configure(failApply: Bool = false, failPersist: Bool = false, failRollback: Bool = false) {
        self.failApply = failApply
        self.failPersist = failPersist
        self.failRollback = failRollback
    }

    /// Makes the next `applyLive` wait for `release()`; the returned stream yields once it is waiting.
    func pauseNextApply() -> AsyncStream<Void> {
        let (stream, continuation) = AsyncStream<Void>.makeStream()
        pause = (continuation, nil)
        pauseRequested = true
        return stream
    }

    func release() {
        pause?.release?.resume()
        pause = nil
    }

    func resolve(current: SessionLLMIdentity, request: SessionLLMReconfigureRequest) async throws(RuntimeDriverError)
        -> ResolvedLLMIdentity
    {
        let model = request.model ?? current.model
        guard var resolved = Self.models[model] else {
            throw .validationFailed(reason: "unknown model '\(model)'; nearest: claude-a")
        }
        if let override = request.providerParams {
            resolved.identity.providerParams = override.applied(to: current.providerParams)
        } else {
            resolved.identity.providerParams = current.providerParams
        }
        return resolved
    }

    func applyLive(_ target: ResolvedLLMIdentity) async throws(RuntimeDriverError) {
        if pauseRequested {
            pauseRequested = false
            await withCheckedContinuation { continuation in
                pause?.release = continuation
                pause?.started.yield()
            }
        }
        applied.append(target.identity.model)
        if failApply { throw .internal("apply failed") }
    }

    func rollbackLive(to previous: ResolvedLLMIdentity) async throws(RuntimeDriverError) {
        if failRollback { throw .internal("rollback failed") }
        rolledBack.append(previous.identity.model)
    }

    func persist(_ identity: SessionLLMIdentity) async throws(RuntimeDriverError) {
        if failPersist { throw .internal("persist failed") }
        persisted.append(identity.model)
    }

    func discardLive() async { discarded += 1 }
}

/// RUNTIME.md §12–§14 through the session runtime: the gate, the store write, adoption, persistence and recovery.
@Suite("Routing through the session runtime")
struct RoutingRuntimeTests {
    static func opened(_ store: InMemoryRuntimeStore = InMemoryRuntimeStore(), session: SessionID = SessionID())
        async throws -> (SessionRuntime, FakeReconfigureHost)
    {
        let (runtime, _) = try await SessionRuntime.open(session: session, store: store)
        let host = FakeReconfigureHost()
        await runtime.installReconfigureHost(host)
        try await runtime.hydrateIdentity(FakeReconfigureHost.models["claude-a"]!)
        return (runtime, host)
    }

    // MARK: §12

    @Test func reconfigureReportsEveryField() async throws {
        let (runtime, host) = try await Self.opened()
        let report = try await runtime.reconfigureLLMIdentity(.init(model: "tiny-c"))
        #expect(report.previousIdentity.model == "claude-a" && report.previousIdentity.provider == "anthropic")
        #expect(report.newIdentity.model == "tiny-c" && report.newIdentity.provider == "self_hosted")
        #expect(report.capabilityDelta.changed)
        #expect(report.capabilityDelta.previous?.supportsThinking == true)
        #expect(report.capabilityDelta.current?.imageToolResults == false)
        #expect(report.toolVisibilityDelta.previousCapabilityBaseFilter == [])
        #expect(report.toolVisibilityDelta.currentCapabilityBaseFilter == ["view_image"])
        #expect(report.toolVisibilityDelta.committedVisibleSetChanged)
        #expect(report.toolVisibilityDelta.revisionBumped)
        #expect(!report.rollbackOccurred)
        #expect(await host.applied == ["tiny-c"])
        #expect(await host.persisted == ["tiny-c"])
    }

    @Test func reconfigureWithoutVisibilityFlipDoesNotBumpTheRevision() async throws {
        let (runtime, _) = try await Self.opened()
        let report = try await runtime.reconfigureLLMIdentity(.init(model: "gpt-b"))
        #expect(!report.toolVisibilityDelta.committedVisibleSetChanged)
        #expect(!report.toolVisibilityDelta.revisionBumped)
        #expect(report.capabilityDelta.changed)
    }

    /// Reference gap: a reconfiguration left the routing baseline stale. Baseline, identity and status agree.
    @Test func reconfigureKeepsBaselineIdentityAndStatusConsistent() async throws {
        let store = InMemoryRuntimeStore()
        let (runtime, _) = try await Self.opened(store)
        _ = try await runtime.reconfigureLLMIdentity(.init(model: "gpt-b"))
        let status = await runtime.modelRoutingStatus()
        #expect(status.baselineModel == "gpt-b" && status.effectiveModel == "gpt-b")
        #expect(status.sessionProvider == "openai")
        #expect(await runtime.routing.identity?.model == "gpt-b")
        #expect(try await store.loadRouting(runtime.runtimeID)?.identity?.model == "gpt-b")
        #expect(await runtime.resolvedCapabilities()?.supportsReasoning == true)
    }

    @Test func providerParamsSetClearAndInherit() async throws {
        let (runtime, _) = try await Self.opened()
        _ = try await runtime.reconfigureLLMIdentity(.init(providerParams: .set(["effort": "high"])))
        #expect(await runtime.routing.identity?.providerParams == ["effort": "high"])
        _ = try await runtime.reconfigureLLMIdentity(.init(providerParams: .clear))
        #expect(await runtime.routing.identity?.providerParams == nil)
    }

    @Test func reconfigureOutsideIdleAttachedRunningIsNotReady() async throws {
        let (runtime, _) = try await Self.opened()
        _ = try await runtime.retire()
        await #expect(throws: RuntimeDriverError.notReady(state: .retired)) {
            try await runtime.reconfigureLLMIdentity(.init(model: "gpt-b"))
        }
    }

    @Test func unknownTargetIsAValidationError() async throws {
        let (runtime, _) = try await Self.opened()
        await #expect(throws: RuntimeDriverError.validationFailed(reason: "unknown model 'nope'; nearest: claude-a")) {
            try await runtime.reconfigureLLMIdentity(.init(model: "nope"))
        }
        #expect(await runtime.routing.identity?.model == "claude-a")
    }

    @Test func reconfigureWithoutAHostIsATypedError() async throws {
        let (runtime, _) = try await SessionRuntime.open(session: SessionID(), store: InMemoryRuntimeStore())
        await #expect(throws: RuntimeDriverError.self) {
            try await runtime.reconfigureLLMIdentity(.init(model: "gpt-b"))
        }
    }

    @Test func failureAfterLiveApplyRollsBackAndChangesNothing() async throws {
        let store = InMemoryRuntimeStore()
        let (runtime, host) = try await Self.opened(store)
        await host.configure(failPersist: true)
        let before = await runtime.routing
        await #expect(throws: RuntimeDriverError.self) {
            try await runtime.reconfigureLLMIdentity(.init(model: "gpt-b"))
        }
        #expect(await host.rolledBack == ["claude-a"])
        #expect(await runtime.routing == before)
        #expect(try await store.loadRouting(runtime.runtimeID) == before)
    }

    @Test func storeFailureRollsBackTheLiveSession() async throws {
        let store = InMemoryRuntimeStore()
        let (runtime, host) = try await Self.opened(store)
        await store.failWrites(with: .unavailable("disk"))
        await #expect(throws: RuntimeDriverError.self) {
            try await runtime.reconfigureLLMIdentity(.init(model: "gpt-b"))
        }
        await store.failWrites(with: nil)
        #expect(await host.rolledBack == ["claude-a"])
        #expect(await runtime.routing.identity?.model == "claude-a")
    }

    @Test func failedRollbackDiscardsTheLiveSessionAndClearsTheIdentity() async throws {
        let (runtime, host) = try await Self.opened()
        await host.configure(failApply: true, failRollback: true)
        await #expect(throws: RuntimeDriverError.self) {
            try await runtime.reconfigureLLMIdentity(.init(model: "gpt-b"))
        }
        #expect(await host.discarded == 1)
        #expect(await runtime.routing.identity == nil)
        #expect(await runtime.resolvedCapabilities() == nil)
    }

    @Test func visibilityRevisionRuleWithAStagedChangePending() {
        var state = ModelRoutingStateTests.hydrated()
        state.visibility.activeRevision = 2
        state.visibility.stagedRevision = 3
        let planned = state.plannedVisibility(hiddenTools: ["view_image"])
        #expect(planned.activeRevision == 4 && planned.stagedRevision == 5)
        state.visibility.stagedRevision = 2
        let plain = state.plannedVisibility(hiddenTools: ["view_image"])
        #expect(plain.activeRevision == 3 && plain.stagedRevision == 3)
        #expect(state.plannedVisibility(hiddenTools: []) == state.visibility)
    }

    @Test func staleReconfigurePlanIsRefused() {
        var state = ModelRoutingStateTests.hydrated()
        #expect(throws: RoutingGuardError.staleReconfigurePlan("identity")) {
            try state.commitReconfigure(
                previous: .init(model: "other", provider: "openai"), previousCapabilities: state.capabilities,
                previousFilter: [], target: .init(model: "x", provider: "openai"), capabilities: .init(),
                visibility: state.visibility)
        }
    }

    // MARK: §13 through the runtime

    @Test func untilChangedReconfiguresAndSetsTheBaseline() async throws {
        let (runtime, _) = try await Self.opened()
        let result = try await runtime.requestSwitchTurn(
            .init(requestID: "u", targetModel: "gpt-b", duration: .untilChanged))
        #expect(result == .applied(requestID: "u", targetModel: "gpt-b", duration: .untilChanged))
        #expect(await runtime.routing.requestTerminal("u") == .persistentReconfigureApplied)
        #expect(await runtime.modelRoutingStatus().baselineModel == "gpt-b")
        #expect(await runtime.modelRoutingStatus().sessionProvider == "openai")
    }

    /// Reference gap: a failed `until_changed` restored a whole snapshot taken before the gate was dropped, wiping
    /// concurrent changes. Here an admission queued behind it survives its failure.
    @Test func failedUntilChangedNeverLosesAConcurrentChange() async throws {
        let store = InMemoryRuntimeStore()
        let (runtime, host) = try await Self.opened(store)
        _ = try await runtime.requestSwitchTurn(.init(requestID: "f", targetModel: "tiny-c", duration: .turns(2)))
        await host.configure(failApply: true)
        let started = await host.pauseNextApply()
        let switching = Task {
            try await runtime.requestSwitchTurn(.init(requestID: "u", targetModel: "gpt-b", duration: .untilChanged))
        }
        var iterator = started.makeAsyncIterator()
        await iterator.next()
        let admitting = Task { try await runtime.admitModelRoutingAssistantTurn() }
        await host.release()
        await #expect(throws: RuntimeDriverError.self) { try await switching.value }
        let route = try await admitting.value
        #expect(route.model == "tiny-c")
        let routing = await runtime.routing
        #expect(routing.turnOverride?.requestID == "f")
        guard case .reconfigureFailed(let reason)? = routing.requestTerminal("u") else {
            Issue.record("until_changed has no failure terminal: \(String(describing: routing.requestTerminal("u")))")
            return
        }
        #expect(reason.contains("apply failed"))
        #expect(routing.requestTerminal("f") == nil)
        #expect(routing.baseline?.model == "claude-a")
        #expect(try await store.loadRouting(runtime.runtimeID) == routing)
    }

    @Test func configureBaselineIsRefusedWhenStopped() async throws {
        let (runtime, _) = try await Self.opened()
        try await runtime.configureModelRoutingBaseline(model: "gpt-b", realtimeCapable: false)
        #expect(await runtime.modelRoutingStatus().baselineModel == "gpt-b")
        _ = try await runtime.destroy()
        await #expect(throws: RuntimeDriverError.self) {
            try await runtime.configureModelRoutingBaseline(model: "claude-a", realtimeCapable: false)
        }
    }

    // MARK: persistence and recovery

    /// Reference gap: routing state lived only in memory. A restart between two turns of `turns{2}` keeps the count.
    @Test func restartBetweenTurnsKeepsTheRemainingCount() async throws {
        let store = InMemoryRuntimeStore()
        let session = SessionID()
        let (first, _) = try await Self.opened(store, session: session)
        _ = try await first.requestSwitchTurn(.init(requestID: "r", targetModel: "gpt-b", duration: .turns(2)))
        #expect(try await first.admitModelRoutingAssistantTurn().model == "gpt-b")
        await first.unregister()
        let (second, _) = try await SessionRuntime.open(session: session, store: store)
        #expect(await second.modelRoutingStatus().activeTurnOverride?.remainingTurns == 2)
        #expect(try await second.admitModelRoutingAssistantTurn().model == "gpt-b")
        #expect(try await second.admitModelRoutingAssistantTurn().model == "claude-a")
        #expect(await second.routing.requestTerminal("r") == .consumedAndRestored)
    }

    /// Reference gap: a crash during an active image override could leave it active. Recovery restores it.
    @Test func recoveryRestoresAnActiveOperationOverride() async throws {
        let store = InMemoryRuntimeStore()
        let session = SessionID()
        let (first, _) = try await Self.opened(store, session: session)
        _ = try await first.beginImageOperation(
            .init(operationID: "op", targetModel: "image-model", requiresScopedOverride: true))
        _ = try await first.activateImageOperationOverride("op")
        let epoch = await first.routing.topologyEpoch
        // A crash: the process dies without unregistering; a new process opens the same store.
        let (second, report) = try await SessionRuntime.open(session: session, store: store)
        let routing = await second.routing
        #expect(routing.operationOverride == nil)
        #expect(routing.operation("op")?.phase == .terminal(.failed))
        #expect(routing.topologyEpoch == epoch + 1)
        #expect(report.details.contains { $0.hasPrefix("routing:") })
        #expect(try await store.loadRouting(second.runtimeID) == routing)
    }

    @Test func imageOperationMovesArePersisted() async throws {
        let store = InMemoryRuntimeStore()
        let (runtime, _) = try await Self.opened(store)
        _ = try await runtime.beginImageOperation(
            .init(operationID: "op", targetModel: "image-model", requiresScopedOverride: true))
        _ = try await runtime.activateImageOperationOverride("op")
        #expect(try await store.loadRouting(runtime.runtimeID)?.operationOverride?.operationID == "op")
        #expect(try await runtime.completeImageOperation("op", terminal: .safetyFiltered) == .restoringScopedOverride)
        #expect(try await runtime.restoreImageOperationOverride("op") == .terminal(.safetyFiltered))
        #expect(try await store.loadRouting(runtime.runtimeID)?.operationOverride == nil)
        await #expect(throws: RuntimeDriverError.self) {
            try await runtime.denyImageOperationPlan("op", reason: .costPolicy)
        }
    }

    @Test func aFailedRoutingWriteChangesNothing() async throws {
        let store = InMemoryRuntimeStore()
        let (runtime, _) = try await Self.opened(store)
        let before = await runtime.routing
        await store.failWrites(with: .unavailable("disk"))
        await #expect(throws: RuntimeDriverError.self) {
            try await runtime.requestSwitchTurn(.init(requestID: "r", targetModel: "gpt-b", duration: .oneTurn))
        }
        await store.failWrites(with: nil)
        #expect(await runtime.routing == before)
    }
}
