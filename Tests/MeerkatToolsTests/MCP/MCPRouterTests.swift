import Foundation
import MeerkatCore
import MeerkatTesting
import Testing

@testable import MeerkatTools

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The router against real test-server processes.
@Suite struct MCPRouterTests {
    private func context() -> ToolCallContext {
        ToolCallContext(sessionID: SessionID(), runID: nil, toolUseID: "toolu_mcp")
    }

    @Test func connectsInTheBackgroundAndToolsAppearWhenReady() async throws {
        let directory = try TempDirectory()
        let gate = directory.path + "/gate"
        #expect(mkfifo(gate, 0o600) == 0)
        try await withRouter([MCPTestServer.stdio("held", ["--gate", gate, "--tools", "echo,fail"])]) {
            router, log in
            // `start()` has returned while the server is still held in its handshake.
            #expect(await router.currentTools().isEmpty)
            #expect(await router.states()["held"] == .connecting(attempt: 1))
            #expect(await router.notices().contains { $0.contains("'held' is connecting") })
            openGate(gate)
            #expect(await log.waitFor { $0.offers(["echo", "fail"]) })
            #expect(await router.currentTools().map(\.name) == ["echo", "fail"])
            #expect(await router.owner(ofTool: "echo") == "held")
            #expect(await router.states()["held"] == .ready(tools: ["echo", "fail"]))
            #expect(await router.notices().isEmpty)
            let events = await log.all
            #expect(events.first == .connecting(server: "held", attempt: 1))
            #expect(events.contains(.ready(server: "held", tools: ["echo", "fail"])))
        }
    }

    @Test func nameExposedByTwoServersIsWithheldFromBoth() async throws {
        let marker = "pair-\(UUID().uuidString)"
        let servers = [
            MCPTestServer.stdio("alpha", ["--tools", "echo,fail", "--name", marker]),
            MCPTestServer.stdio("beta", ["--tools", "echo,image", "--name", marker]),
        ]
        defer { #expect(liveProcesses(withArgument: marker).isEmpty) }
        try await withRouter(servers) { router, log in
            await router.waitUntilSettled()
            #expect(await router.toolNames() == ["fail", "image"])
            #expect(await router.currentTools().map(\.name) == ["fail", "image"])
            #expect(await router.withheldTools() == ["echo": ["alpha", "beta"]])
            let notices = await router.notices()
            #expect(
                notices == ["MCP tool 'echo' is exposed by servers 'alpha' and 'beta'; it is withheld from all of them"]
            )
            #expect(await log.waitFor { $0 == .conflict(tool: "echo", servers: ["alpha", "beta"]) })
            #expect(await router.owner(ofTool: "echo") == nil)
            let tools = await router.currentTools().compactMap { $0 as? MCPTool }
            #expect(tools.map(\.serverName) == ["alpha", "beta"])
            // The withheld name is not callable; the others route to their own server.
            let dispatcher = ToolDispatcher(await router.currentTools())
            let image = await dispatcher.dispatch(ToolCall(id: "1", name: "image", args: [:]), context: context())
            #expect(!image.isError && image.content.count == 2)
            let echo = await dispatcher.dispatch(
                ToolCall(id: "2", name: "echo", args: ["text": "x"]), context: context())
            #expect(echo.isError)
        }
    }

    @Test func serverCrashFailsTheCallAndReconnectsWithBackoff() async throws {
        let clock = RecordingClock()
        let policy = MCPReconnectPolicy(initialDelay: .seconds(3), multiplier: 2, maxDelay: .seconds(30))
        try await withRouter([MCPTestServer.stdio("flaky")], reconnect: policy, clock: clock) { router, log in
            #expect(await log.waitFor { $0.isReady("flaky") })
            let dispatcher = ToolDispatcher(await router.currentTools())
            let crashed = await dispatcher.dispatch(ToolCall(id: "1", name: "crash", args: [:]), context: context())
            #expect(crashed.isError)
            #expect(crashed.content.first?.textProjection.contains("went away during the call") == true)
            #expect(
                await log.waitFor {
                    if case .disconnected("flaky", _, .seconds(3)) = $0 { return true }
                    return false
                })
            #expect(await log.waitFor(count: 2) { $0.isReady("flaky") })
            #expect(clock.sleeps == [.seconds(3)])
            #expect(await log.all.contains(.connecting(server: "flaky", attempt: 2)))
            // The same tool objects work against the new process.
            let echoed = await dispatcher.dispatch(
                ToolCall(id: "2", name: "echo", args: ["text": "again"]), context: context())
            #expect(echoed == .text("again"))
        }
    }

    @Test func failingServerBacksOffExponentiallyThenGivesUp() async throws {
        let clock = RecordingClock()
        let policy = MCPReconnectPolicy(initialDelay: .seconds(1), multiplier: 2, maxDelay: .seconds(3), maxAttempts: 3)
        try await withRouter([.stdio("broken", command: "false")], reconnect: policy, clock: clock) { router, log in
            #expect(
                await log.waitFor {
                    if case .connectFailed("broken", _, nil) = $0 { return true }
                    return false
                })
            #expect(clock.sleeps == [.seconds(1), .seconds(2), .seconds(3)])
            guard case .failed = await router.states()["broken"] else {
                Issue.record("expected the router to give up")
                return
            }
            #expect(await router.notices().first?.contains("giving up") == true)
            await router.waitUntilSettled()
            #expect(await router.currentTools().isEmpty)
        }
    }

    @Test func callsToADisconnectedServerFailAtOnce() async throws {
        let clock = RecordingClock(gated: true)
        try await withRouter([MCPTestServer.stdio("once")], clock: clock) { router, log in
            #expect(await log.waitFor { $0.isReady("once") })
            let tools = await router.currentTools()
            let crash = try #require(tools.first { $0.name == "crash" })
            await #expect(throws: ToolError.self) { try await crash.call([:], context: context()) }
            #expect(await log.waitFor { $0.offers([]) })
            // The reconnect waits on the gated clock: the server is down now.
            let echo = try #require(tools.first { $0.name == "echo" })
            do {
                _ = try await echo.call(["text": "x"], context: context())
                Issue.record("a call to a server that is down must fail")
            } catch let error as ToolError {
                #expect(error.description.contains("'once' is not connected"))
            }
            clock.release()
            #expect(await log.waitFor(count: 2) { $0.isReady("once") })
            #expect(try await echo.call(["text": "x"], context: context()) == .text("x"))
        }
    }

    @Test func httpServerCrashIsReportedAndReconnects() async throws {
        let first = try await HTTPTestServerProcess()
        let port = first.port
        let clock = RecordingClock(gated: true)
        try await withRouter([.http("web", url: first.url)], clock: clock) { router, log in
            #expect(await log.waitFor { $0.offers(["echo", "fail", "image", "crash"]) })
            let dispatcher = ToolDispatcher(await router.currentTools())
            let echoed = await dispatcher.dispatch(
                ToolCall(id: "1", name: "echo", args: ["text": "streamed"]), context: context())
            #expect(echoed == .text("streamed"))
            let failed = await dispatcher.dispatch(ToolCall(id: "2", name: "fail", args: [:]), context: context())
            #expect(failed.isError && failed.content == [.text("failure requested")])
            let crashed = await dispatcher.dispatch(ToolCall(id: "3", name: "crash", args: [:]), context: context())
            #expect(crashed.isError)
            await first.exited()
            #expect(
                await log.waitFor {
                    if case .disconnected("web", _, _) = $0 { return true }
                    return false
                })
            // A new server process on the same port; the router's next attempt finds it.
            let second = try await HTTPTestServerProcess(port: port)
            clock.release()
            #expect(await log.waitFor(count: 2) { $0.isReady("web") })
            let again = await dispatcher.dispatch(
                ToolCall(id: "4", name: "echo", args: ["text": "back"]), context: context())
            #expect(again == .text("back"))
            await router.shutdown()
            await second.stop()
        }
    }

    @Test func agentLoopCallsAnMCPToolThroughTheRouter() async throws {
        try await withRouter([MCPTestServer.stdio("local", ["--tools", "echo,image"])]) { router, log in
            await router.waitUntilSettled()
            let client = ScriptedLLMClient([
                .toolCalls([
                    ScriptedToolCall(id: "call_1", name: "echo", args: ["text": "from the model"]),
                    ScriptedToolCall(id: "call_2", name: "image", args: [:]),
                ]),
                .text("done"),
            ])
            var config = AgentConfig(model: "scripted-model")
            config.retry.jitter = 0
            let agent = Agent(session: Session(), client: client, config: config, clock: ManualClock(), jitter: { 0 })
            // Tools join at the next LLM call boundary.
            await agent.stageTools(ToolDispatcher(await router.currentTools()))
            let result = try await agent.run(.text("use the MCP tools"))
            #expect(result.terminalCauseKind == nil && result.text == "done")
            #expect(client.requests.first?.tools.map(\.name) == ["echo", "image"])
            let results = (await agent.session).messages.flatMap { message -> [ToolResult] in
                if case .toolResults(let results, _) = message { return results }
                return []
            }
            #expect(results.count == 2)
            #expect(
                results.first { $0.toolUseID == "call_1" } == ToolResult(toolUseID: "call_1", text: "from the model"))
            let image = try #require(results.first { $0.toolUseID == "call_2" })
            #expect(!image.isError)
            #expect(image.content.last == .image(mediaType: "image/png", source: .inline(data: TestServerPNG.base64)))
        }
    }
}
