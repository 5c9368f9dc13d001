import Foundation
import MeerkatCore
import Testing

@testable import MeerkatRuntime

/// Routing changes are observable (RUNTIME.md §15): every adopted routing move publishes what changed — identity,
/// switch activity and its single terminal, image-operation phases, the topology epoch — and a refused or failed
/// move publishes nothing.
@Suite("Routing runtime events")
struct RoutingEventsTests {
    /// Reads events until one with `code` arrives; returns every routing event read on the way (it included).
    static func routingEvents(
        until code: String, from iterator: inout AsyncStream<RuntimeEvent>.Iterator
    ) async -> [RuntimeEventKind] {
        var kinds: [RuntimeEventKind] = []
        while let event = await iterator.next() {
            guard event.kind.category == "model_routing" else { continue }
            kinds.append(event.kind)
            if event.kind.code == code { break }
        }
        return kinds
    }

    @Test func reconfigurationPublishesIdentityThenTopology() async throws {
        let (runtime, _) = try await RoutingRuntimeTests.opened()
        var events = runtime.events.subscribe().makeAsyncIterator()
        _ = try await runtime.reconfigureLLMIdentity(.init(model: "gpt-b"))
        let kinds = await Self.routingEvents(until: "routing.topology_changed", from: &events)
        #expect(kinds.map(\.code) == ["llm.identity_changed", "routing.topology_changed"])
        guard case .llmIdentityChanged(let from, let to) = kinds.first else { return }
        #expect(from?.model == "claude-a" && to.model == "gpt-b" && to.provider == "openai")
        #expect(kinds.first?.data["to"]?["provider"]?.stringValue == "openai")
        guard case .routingTopologyChanged(_, let effective, let baseline) = kinds.last else { return }
        #expect(effective == "gpt-b" && baseline == "gpt-b")
    }

    @Test func finiteSwitchPublishesPendingActivatedAndOneTerminal() async throws {
        let (runtime, _) = try await RoutingRuntimeTests.opened()
        var events = runtime.events.subscribe().makeAsyncIterator()
        _ = try await runtime.requestSwitchTurn(.init(requestID: "r1", targetModel: "gpt-b", duration: .turns(2)))
        _ = try await runtime.admitModelRoutingAssistantTurn()
        _ = try await runtime.admitModelRoutingAssistantTurn()
        _ = try await runtime.admitModelRoutingAssistantTurn()
        let kinds = await Self.routingEvents(until: "routing.switch_terminal", from: &events)
        #expect(
            kinds.map(\.code) == [
                "routing.switch_pending", "routing.switch_activated", "routing.topology_changed",
                "routing.switch_terminal",
            ])
        #expect(kinds.first?.data["turns"] == .number(2))
        #expect(kinds.last?.data["terminal"] == "consumed_and_restored")
        // The restore moved the epoch back to the baseline.
        let restored = await Self.routingEvents(until: "routing.topology_changed", from: &events)
        guard case .routingTopologyChanged(_, let effective, _) = restored.last else {
            Issue.record("no topology change after the terminal: \(restored)")
            return
        }
        #expect(effective == "claude-a")
    }

    @Test func imageOperationPublishesEveryPhase() async throws {
        let (runtime, _) = try await RoutingRuntimeTests.opened()
        var events = runtime.events.subscribe().makeAsyncIterator()
        _ = try await runtime.beginImageOperation(
            .init(operationID: "op", targetModel: "image-model", requiresScopedOverride: true))
        _ = try await runtime.activateImageOperationOverride("op")
        _ = try await runtime.completeImageOperation("op", terminal: .refusedByProvider)
        _ = try await runtime.restoreImageOperationOverride("op")
        var phases: [String] = []
        var terminal: JSONValue?
        while phases.last != "terminal" {
            let kinds = await Self.routingEvents(until: "routing.image_operation", from: &events)
            guard let last = kinds.last, last.code == "routing.image_operation" else { break }
            phases.append(last.data["phase"]?.stringValue ?? "?")
            terminal = last.data["terminal"]
        }
        #expect(phases == ["plan_resolved", "scoped_override_active", "restoring_scoped_override", "terminal"])
        #expect(terminal == "refused_by_provider")
    }

    @Test func aRefusedOrFailedMovePublishesNothing() async throws {
        let store = InMemoryRuntimeStore()
        let (runtime, _) = try await RoutingRuntimeTests.opened(store)
        let before = await runtime.routing
        await store.failWrites(with: .unavailable("disk"))
        await #expect(throws: RuntimeDriverError.self) {
            _ = try await runtime.requestSwitchTurn(.init(requestID: "r", targetModel: "gpt-b", duration: .oneTurn))
        }
        #expect(await runtime.routing == before)
        // The pure derivation: nothing changed, nothing to publish.
        #expect(before.events(since: before).isEmpty)
    }
}
