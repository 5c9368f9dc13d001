import Foundation
import MeerkatCore
import MeerkatRuntime
import MeerkatSQLite
import Testing

/// The routing row (RUNTIME.md §12–§14) on both realm backends: written whole, read back equal, kept across a
/// reopen, and recovered by `SessionRuntime.open` with no operation override left active.
@Suite("Routing row conformance")
struct RoutingRowConformanceTests {
    static func runtime(_ stores: StoreHarness, session: SessionID) async throws -> SessionRuntime {
        let (runtime, _) = try await SessionRuntime.open(session: session, store: stores.runtime)
        try await runtime.hydrateIdentity(
            ResolvedLLMIdentity(
                identity: SessionLLMIdentity(model: "base", provider: "anthropic"),
                capabilities: SessionLLMCapabilitySurface(imageToolResults: true), hiddenTools: []))
        return runtime
    }

    @Test(arguments: StoreKind.allCases)
    func routingRowRoundTripsAndSurvivesAReopen(_ kind: StoreKind) async throws {
        let stores = try kind.make()
        let session = SessionID()
        let runtime = try await Self.runtime(stores, session: session)
        _ = try await runtime.requestSwitchTurn(.init(requestID: "r", targetModel: "target", duration: .turns(2)))
        #expect(try await runtime.admitModelRoutingAssistantTurn().model == "target")
        let written = await runtime.routing
        #expect(try await stores.runtime.loadRouting(runtime.runtimeID) == written)
        await runtime.unregister()

        let reopened = try stores.reopened()
        let (second, _) = try await SessionRuntime.open(session: session, store: reopened.runtime)
        #expect(await second.routing == written)
        #expect(await second.modelRoutingStatus().activeTurnOverride?.remainingTurns == 2)
    }

    @Test(arguments: StoreKind.allCases)
    func anOperationOverrideDoesNotSurviveACrash(_ kind: StoreKind) async throws {
        let stores = try kind.make()
        let session = SessionID()
        let runtime = try await Self.runtime(stores, session: session)
        _ = try await runtime.beginImageOperation(
            .init(operationID: "op", targetModel: "image-model", requiresScopedOverride: true))
        _ = try await runtime.activateImageOperationOverride("op")
        #expect(await runtime.modelRoutingStatus().effectiveModel == "image-model")
        // No unregister: the process "dies" here.
        let reopened = try stores.reopened()
        let (second, _) = try await SessionRuntime.open(session: session, store: reopened.runtime)
        let status = await second.modelRoutingStatus()
        #expect(status.activeOperationOverride == nil && status.effectiveModel == "base")
        #expect(await second.routing.operation("op")?.phase == .terminal(.failed))
        #expect(try await reopened.runtime.loadRouting(second.runtimeID) == second.routing)
    }
}
