import Foundation
import MeerkatCore
import MeerkatTesting
import Synchronization
import Testing

/// The model-call watchdog is a timer on the agent's clock: it cuts a silent stream, looks again later when the
/// stream was active meanwhile, and leaves nothing armed once the call ends.
@Suite struct AgentWatchdogTests {
    /// Streams "a", waits for `open`, streams "b", waits again, then ends the turn.
    private final class GatedClient: LLMClient {
        let provider = "scripted"
        let gate: AsyncStream<Void>
        let open: AsyncStream<Void>.Continuation

        init() { (gate, open) = AsyncStream<Void>.makeStream() }

        func stream(_ request: LLMRequest) -> AsyncStream<LLMEvent> {
            let gate = gate
            return AsyncStream { continuation in
                let task = Task {
                    var gates = gate.makeAsyncIterator()
                    continuation.yield(.textDelta("a"))
                    _ = await gates.next()
                    continuation.yield(.textDelta("b"))
                    _ = await gates.next()
                    continuation.yield(.done(.success(.endTurn)))
                    continuation.finish()
                }
                continuation.onTermination = { _ in task.cancel() }
            }
        }
    }

    private func agent(_ client: any LLMClient, clock: any MeerkatClock, inactivity: Duration) -> Agent {
        var config = AgentConfig(model: "scripted-model")
        config.retry.jitter = 0
        config.retry.maxRetries = 0
        config.retry.streamInactivityTimeout = inactivity
        return Agent(session: Session(), client: client, tools: ToolDispatcher([]), config: config, clock: clock) { 0 }
    }

    @Test func anActiveStreamOutlivesItsFirstDeadline() async throws {
        let clock = ManualClock()
        let client = GatedClient()
        let agent = agent(client, clock: clock, inactivity: .seconds(5))
        var events = agent.events.subscribe().makeAsyncIterator()
        let run = Task { try await agent.run(.text("go")) }
        while let envelope = await events.next(), envelope.payload != .textDelta("a") {}
        await clock.waitForSleepers(1)
        #expect(clock.nextDeadline == .seconds(5))
        clock.advance(by: .seconds(3))
        client.open.yield()
        while let envelope = await events.next(), envelope.payload != .textDelta("b") {}
        // At t=5 the watchdog finds activity at t=3 and looks again at t=8 instead of cutting the stream.
        clock.advance(by: .seconds(2))
        await clock.waitForSleepers(1)
        #expect(clock.nextDeadline == .seconds(8))
        client.open.yield()
        let result = try await run.value
        #expect(result.text == "ab")
        #expect(clock.sleeperCount == 0)
    }

    @Test func onTheSystemClockAStalledStreamIsCut() async throws {
        let client = ScriptedLLMClient([.stall(after: [.textDelta("par")])])
        let agent = agent(client, clock: SystemClock(), inactivity: .milliseconds(50))
        await #expect {
            _ = try await agent.run(.text("go"))
        } throws: { error in
            let kind = (error as? AgentError)?.llmError?.kind
            return kind == .streamStalled || kind == .networkTimeout
        }
    }
}
