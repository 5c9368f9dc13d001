import Foundation
import MeerkatCore
import MeerkatTesting
import Testing

/// A router that counts admissions and routes every turn to one scripted client and model.
struct CountingRouter: AssistantTurnRouter {
    let client: ScriptedLLMClient
    let model: String
    let calls = Box<[RuntimeTurnMetadata?]>([])
    var supportsTemperature = true

    func routeAssistantTurn(_ metadata: RuntimeTurnMetadata?) async throws -> TurnModelRoute {
        calls.update { $0.append(metadata) }
        return TurnModelRoute(
            client: client, model: model, providerParams: ["routed": true], supportsTemperature: supportsTemperature,
            maxOutputTokens: 100)
    }
}

/// The agent asks its router exactly once per assistant turn and sends every request of the turn to the route.
@Suite("Assistant turn routing")
struct AssistantTurnRouterTests {
    @Test func everyRequestOfATurnGoesToTheRouteAndTheRouterIsAskedOnce() async throws {
        let own = ScriptedLLMClient([.text("never")])
        let routed = ScriptedLLMClient([
            .toolCalls([ScriptedToolCall(id: "c1", name: "echo", args: ["text": "hi"])]), .text("done"),
        ])
        let router = CountingRouter(client: routed, model: "routed-model")
        let agent = makeAgent(own, tools: [echoTool]) { $0.temperature = 0.5 }
        await agent.setRouter(router)
        let result = try await agent.run(.text("go"))
        #expect(result.text == "done")
        #expect(router.calls.value.count == 1)
        #expect(own.requests.isEmpty)
        #expect(routed.requests.count == 2)
        #expect(routed.requests.allSatisfy { $0.model == "routed-model" })
        #expect(routed.requests.allSatisfy { $0.providerParams == ["routed": true] })
        #expect(routed.requests.allSatisfy { $0.maxTokens == 100 && $0.temperature == 0.5 })
    }

    @Test func eachRunIsAdmittedOnce() async throws {
        let routed = ScriptedLLMClient([.text("one"), .text("two")])
        var router = CountingRouter(client: routed, model: "m")
        router.supportsTemperature = false
        let agent = makeAgent(ScriptedLLMClient([]), tools: []) { $0.temperature = 0.5 }
        await agent.setRouter(router)
        _ = try await agent.run(.text("a"))
        _ = try await agent.run(.text("b"), options: RunOptions(turnMetadata: RuntimeTurnMetadata(model: "x")))
        #expect(router.calls.value.count == 2)
        #expect(router.calls.value.last??.model == "x")
        #expect(routed.requests.allSatisfy { $0.temperature == nil })
    }

    @Test func aRoutingFailureFailsTheRunBeforeAnythingIsSent() async throws {
        struct Failing: AssistantTurnRouter {
            func routeAssistantTurn(_ metadata: RuntimeTurnMetadata?) async throws -> TurnModelRoute {
                throw CancellationError()
            }
        }
        let own = ScriptedLLMClient([.text("never")])
        let agent = makeAgent(own)
        await agent.setRouter(Failing())
        await #expect(throws: AgentError.self) { try await agent.run(.text("go")) }
        #expect(own.requests.isEmpty)
    }

    @Test func withoutARouterTheTurnModelIsAStringOverride() async throws {
        let own = ScriptedLLMClient([.text("ok")])
        let agent = makeAgent(own)
        _ = try await agent.run(.text("go"), options: RunOptions(turnMetadata: RuntimeTurnMetadata(model: "other")))
        #expect(own.requests.first?.model == "other")
    }
}
