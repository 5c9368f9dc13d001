import Foundation
import MeerkatCore
import MeerkatServer
import MeerkatService
import MeerkatTesting
import Synchronization
import Testing

/// The JSON-RPC surface over real TCP sockets against the mock provider.
@Suite("JSON-RPC end to end", .serialized, .timeLimit(.minutes(1)))
struct RPCEndToEndTests {
    private func session(_ client: RPCTestClient) async throws -> String {
        let created = try await client.result("session/create", ["intent": ["model": .string(RPCTestServer.model)]])
        return try #require(created["session_id"]?.stringValue)
    }

    @Test func createAcceptStreamEventsAndComplete() async throws {
        let server = try await RPCTestServer.start()
        let client = try await server.client()
        let initialized = try await client.result("initialize", ["protocol_version": "meerkat-rpc/1"])
        #expect(initialized["methods"]?.arrayValue?.count == RPCServer.methods.count)
        let id = try await session(client)
        let subscribed = try await client.result("session/subscribe", ["session_id": .string(id)])
        let subscription = try #require(subscribed["subscription_id"]?.stringValue)

        let answer = try await client.result(
            "input/accept", ["session_id": .string(id), "prompt": "hello there", "wait": true])
        #expect(answer["outcome"]?["outcome_type"] == "accepted")
        #expect(answer["completion"]?["completion_type"] == "completed")
        #expect(answer["completion"]?["result"]?["text"] == "echo: hello there")

        // Events arrive in sequence order, ending with the run's completion.
        var sequences: [Double] = []
        var types: [String] = []
        while let message = await client.nextUnsolicited() {
            #expect(message["method"] == "session/event")
            #expect(message["params"]?["subscription_id"]?.stringValue == subscription)
            sequences.append(message["params"]?["seq"]?.numberValue ?? -1)
            let type = message["params"]?["event"]?["type"]?.stringValue ?? ""
            types.append(type)
            if type == "run_completed" { break }
        }
        #expect(sequences == sequences.sorted() && Set(sequences).count == sequences.count)
        #expect(types.contains("text_complete") || types.contains("text_delta"))

        let history = try await client.result("session/history", ["session_id": .string(id)])
        let roles = history["messages"]?.arrayValue?.compactMap { $0["role"]?.stringValue } ?? []
        #expect(roles.suffix(2) == ["user", "block_assistant"])
        let unsubscribed = try await client.result("session/unsubscribe", ["subscription_id": .string(subscription)])
        #expect(unsubscribed["unsubscribed"] == true)
        await client.close()
        await server.stop()
    }

    @Test func resubscribingAfterASequenceSkipsWhatWasSeen() async throws {
        let server = try await RPCTestServer.start()
        let client = try await server.client()
        let id = try await session(client)
        let subscribed = try await client.result("session/subscribe", ["session_id": .string(id), "after_seq": 0])
        _ = try await client.result("turn/start", ["session_id": .string(id), "prompt": "one"])
        var last = 0.0
        while let message = await client.nextUnsolicited() {
            last = message["params"]?["seq"]?.numberValue ?? last
            if message["params"]?["event"]?["type"] == "run_completed" { break }
        }
        _ = try await client.result("session/unsubscribe", ["subscription_id": subscribed["subscription_id"] ?? .null])
        _ = try await client.result("session/subscribe", ["session_id": .string(id), "after_seq": .number(last)])
        _ = try await client.result("turn/start", ["session_id": .string(id), "prompt": "two"])
        let next = try #require(await client.nextUnsolicited())
        #expect((next["params"]?["seq"]?.numberValue ?? 0) > last)
        await client.close()
        await server.stop()
    }

    @Test func aClientThatHalfClosesGetsItsAnswersThenTheServerCloses() async throws {
        let server = try await RPCTestServer.start()
        let client = try await server.client()
        let id = try await session(client)
        await client.sendLine(
            #"{"jsonrpc":"2.0","id":"last","method":"turn/start","params":{"session_id":"\#(id)","prompt":"last words"}}"#
        )
        await client.finishSending()
        let answer = try #require(await client.nextUnsolicited())
        #expect(answer["id"] == "last")
        #expect(answer["result"]?["completion"]?["result"]?["text"] == "echo: last words")
        // Everything answered, the server closed its side.
        #expect(await client.nextUnsolicited() == nil)
        await client.close()
        await server.stop()
    }

    @Test func idempotencyKeyRetryIsDeduplicated() async throws {
        let server = try await RPCTestServer.start()
        let client = try await server.client()
        let id = try await session(client)
        let params: JSONValue = ["session_id": .string(id), "prompt": "once", "idempotency_key": "k-1", "wait": true]
        let first = try await client.result("input/accept", params)
        let second = try await client.result("input/accept", params)
        #expect(first["deduplicated"] == false)
        #expect(second["deduplicated"] == true)
        #expect(second["outcome"]?["outcome_type"] == "deduplicated")
        #expect(second["input_id"] == first["input_id"])
        let history = try await client.result("session/history", ["session_id": .string(id)])
        #expect(history["messages"]?.arrayValue?.filter { $0["role"] == "user" }.count == 1)
        let status = try await client.result(
            "input/status", ["session_id": .string(id), "input_id": first["input_id"] ?? .null])
        #expect(status["state"]?["input_id"] == first["input_id"])
        await client.close()
        await server.stop()
    }

    @Test func runtimeControlReportsRetireResetStopAndInterrupt() async throws {
        let server = try await RPCTestServer.start()
        let client = try await server.client()
        let id = try await session(client)
        _ = try await client.result("turn/start", ["session_id": .string(id), "prompt": "warm up"])
        let state = try await client.result("runtime/state", ["session_id": .string(id)])
        #expect(state["state"] == "attached")
        let active = try await client.result("input/list_active", ["session_id": .string(id)])
        #expect(active["input_ids"] == [])
        let interrupted = try await client.result("runtime/interrupt", ["session_id": .string(id)])
        #expect(interrupted["result"] == "interrupted")
        let reset = try await client.result("runtime/reset", ["session_id": .string(id)])
        #expect(reset["report"]?.objectValue != nil)
        let retired = try await client.result("runtime/retire", ["session_id": .string(id)])
        #expect(retired["report"]?.objectValue != nil)
        let afterRetire = try await client.result("runtime/state", ["session_id": .string(id)])
        #expect(afterRetire["state"] == "retired")
        let stopped = try await client.result("runtime/stop", ["session_id": .string(id)])
        #expect(stopped["stopped"] == true)
        await client.close()
        await server.stop()
    }

    @Test func callbackToolRoundTrip() async throws {
        let server = try await RPCTestServer.start()
        let client = try await server.client()
        let id = try await session(client)
        let seen = Box<[JSONValue]>([])
        await client.onServerRequest { request in
            seen.update { $0.append(request) }
            return ["content": "the answer is 42"]
        }
        let registered = try await client.result(
            "tools/register",
            [
                "session_id": .string(id),
                "tools": [
                    [
                        "name": "lookup", "description": "Looks a fact up on the client.",
                        "input_schema": ["type": "object", "properties": ["q": ["type": "string"]]],
                    ]
                ],
            ])
        #expect(registered["tools"] == ["lookup"])
        let answer = try await client.result(
            "turn/start", ["session_id": .string(id), "prompt": #"call tool lookup {"q": "meaning"}"#])
        #expect(answer["completion"]?["result"]?["text"] == "tool results: the answer is 42")
        let request = try #require(seen.value.first)
        #expect(request["method"] == "tool/execute")
        #expect(request["params"]?["name"] == "lookup")
        #expect(request["params"]?["arguments"]?["q"] == "meaning")
        #expect(request["params"]?["session_id"]?.stringValue == id)
        await client.close()
        await server.stop()
    }

    @Test func aWaiterAskingForItGetsCallbackPendingWhileTheRunWaitsOnTheClient() async throws {
        let server = try await RPCTestServer.start()
        let client = try await server.client()
        let id = try await session(client)
        let session: JSONValue = .string(id)
        let release = AsyncStream<Void>.makeStream()
        // The client's handler runs in a task of its own, so the request it saw is awaited, not read at once.
        let asked = AsyncStream<JSONValue>.makeStream()
        await client.onServerRequest { request in
            asked.continuation.yield(request)
            // The client answers only once the test has seen callback_pending.
            for await _ in release.stream { break }
            return ["content": "looked up"]
        }
        _ = try await client.result(
            "tools/register",
            ["session_id": session, "tools": [["name": "lookup", "input_schema": ["type": "object"]]]])
        let parked = try await client.result(
            "turn/start",
            ["session_id": session, "prompt": #"call tool lookup {"q": "meaning"}"#, "return_on_callback": true])
        let pending = try #require(parked["completion"])
        #expect(pending["completion_type"] == "callback_pending", "\(parked)")
        #expect(pending["tool_name"] == "lookup")
        #expect(pending["args"]?["q"] == "meaning")
        let toolUseID = try #require(pending["tool_use_id"]?.stringValue)
        var requests = asked.stream.makeAsyncIterator()
        let request = try #require(await requests.next())
        #expect(request["params"]?["tool_use_id"]?.stringValue == toolUseID)
        let inputID = try #require(parked["input_id"])
        // The input is still in its run: not finished, and a second waiter asking for it gets the same answer.
        let active = try await client.result("input/list_active", ["session_id": session])
        #expect(active["input_ids"]?.arrayValue?.contains(inputID) == true)
        let again = try await client.result(
            "input/wait", ["session_id": session, "input_id": inputID, "return_on_callback": true])
        #expect(again["completion"]?["tool_use_id"]?.stringValue == toolUseID)

        // The client answers; the run goes on to its terminal outcome.
        release.continuation.yield()
        let done = try await client.result("input/wait", ["session_id": session, "input_id": inputID])
        #expect(done["completion"]?["completion_type"] == "completed")
        #expect(done["completion"]?["result"]?["text"] == "tool results: looked up")
        #expect(await server.service.pendingCallbackCalls(SessionID(id)!).isEmpty)

        // Without an outstanding callback the same wait ends with the terminal outcome as usual.
        let plain = try await client.result(
            "turn/start", ["session_id": session, "prompt": "plain", "return_on_callback": true])
        #expect(plain["completion"]?["result"]?["text"] == "echo: plain")
        // A client that never answers does not hold the session forever: a hard interrupt cancels the run.
        let stuck = try await client.result(
            "turn/start", ["session_id": session, "prompt": "call tool lookup {}", "return_on_callback": true])
        #expect(stuck["completion"]?["completion_type"] == "callback_pending")
        _ = try await client.result("runtime/interrupt", ["session_id": session])
        let cancelled = try await client.result(
            "input/wait", ["session_id": session, "input_id": stuck["input_id"] ?? .null])
        #expect(cancelled["completion"]?["completion_type"] == "cancelled", "\(cancelled)")
        // Bad input is named.
        let noWait = await client.call(
            "input/accept", ["session_id": session, "prompt": "x", "return_on_callback": true])
        #expect(noWait["error"]?["data"]?["field"] == "return_on_callback")
        let unknown = await client.call(
            "input/wait", ["session_id": session, "input_id": "01a24c51-d221-74a9-9ee2-c12adc143dfb"])
        #expect(unknown["error"]?["data"]?["code"] == "input_not_found")
        await client.close()
        await server.stop()
    }

    @Test func clientDisconnectMidCallbackAnswersWithATypedErrorResult() async throws {
        let server = try await RPCTestServer.start()
        let provider = try await server.client()
        let driver = try await server.client()
        let id = try await session(driver)
        let asked = AsyncStream<Void>.makeStream()
        await provider.onServerRequest { _ in
            asked.continuation.yield()
            return nil  // never answers: the client goes away instead
        }
        _ = try await provider.result(
            "tools/register",
            ["session_id": .string(id), "tools": [["name": "lookup", "input_schema": ["type": "object"]]]])
        let turn = Task {
            await driver.call("turn/start", ["session_id": .string(id), "prompt": "call tool lookup {}"])
        }
        for await _ in asked.stream { break }
        await provider.close()
        let answer = try #require(await turn.value["result"])
        #expect(answer["completion"]?["completion_type"] == "completed")
        let text = answer["completion"]?["result"]?["text"]?.stringValue ?? ""
        #expect(text.contains("callback tool 'lookup' failed: the client disconnected"))
        // Every tool_use in the transcript has its tool_result.
        let session = try #require(try await server.service.loadSession(SessionID(id)!))
        var uses: Set<String> = []
        var results: Set<String> = []
        for message in session.messages {
            switch message {
            case .assistant(let blocks, _, _):
                for case .toolUse(let call) in blocks { uses.insert(call.id) }
            case .toolResults(let rows, _):
                for row in rows { results.insert(row.toolUseID) }
            default: break
            }
        }
        #expect(!uses.isEmpty && uses == results)
        // The tool left with its client.
        #expect(await server.service.externalToolNames(SessionID(id)!) == [])
        await driver.close()
        await server.stop()
    }

    @Test func steerSentWhileAToolRunsReachesTheModelAtTheNextCheckpoint() async throws {
        let server = try await RPCTestServer.start()
        let client = try await server.client()
        let steerer = try await server.client()
        let id = try await session(client)
        let steered = Box<JSONValue?>(nil)
        await client.onServerRequest { _ in
            // While the tool runs, another client steers the session; the tool answers once the steer is in.
            let answer = await steerer.call(
                "input/accept",
                ["session_id": .string(id), "prompt": "STEER-MARKER use metric units", "handling_mode": "steer"])
            steered.update { $0 = answer }
            return ["content": "slow result"]
        }
        _ = try await client.result(
            "tools/register",
            ["session_id": .string(id), "tools": [["name": "slow", "input_schema": ["type": "object"]]]])
        let answer = try await client.result("turn/start", ["session_id": .string(id), "prompt": "call tool slow {}"])
        #expect(answer["completion"]?["completion_type"] == "completed")
        #expect(steered.value?["result"]?["outcome"]?["outcome_type"] == "accepted")
        // The model call after the tool batch carried the steer text; the first did not.
        let bodies = server.mock.requests.map { String(decoding: $0.body, as: UTF8.self) }
        #expect(bodies.count >= 2)
        #expect(bodies.first?.contains("STEER-MARKER") == false)
        #expect(bodies.dropFirst().contains { $0.contains("STEER-MARKER") })
        await client.close()
        await steerer.close()
        await server.stop()
    }

    /// The model of each request the mock received since `from`.
    private func models(_ server: RPCTestServer, from: Int) -> [String] {
        server.mock.requests.dropFirst(from).compactMap {
            (try? JSONValue.parse(String(decoding: $0.body, as: UTF8.self)))?["model"]?.stringValue
        }
    }

    @Test func routingAndReconfigurationChangeTheModelTheCallsGoTo() async throws {
        let server = try await RPCTestServer.start()
        let client = try await server.client()
        let id = try await session(client)
        let session: JSONValue = .string(id)
        _ = try await client.result("turn/start", ["session_id": session, "prompt": "warm up"])
        #expect(models(server, from: 0) == ["gpt-5.4"])

        let capabilities = try await client.result("llm/capabilities", ["session_id": session])
        #expect(capabilities["capabilities"]?.objectValue != nil, "\(capabilities)")
        let status = try await client.result("routing/status", ["session_id": session])
        #expect(status["status"]?["baseline_model"] == "gpt-5.4")

        // turns{1}: exactly the next assistant turn goes to the target, the one after back to the baseline.
        let switched = try await client.result(
            "routing/switch_turn",
            ["session_id": session, "request_id": "r1", "target_model": "gpt-5.4-mini", "duration": ["turns": 1]])
        #expect(switched["result"]?["status"] == "applied")
        #expect(switched["result"]?["target_model"] == "gpt-5.4-mini")
        var seen = server.mock.requests.count
        _ = try await client.result("turn/start", ["session_id": session, "prompt": "on the target"])
        #expect(models(server, from: seen) == ["gpt-5.4-mini"])
        seen = server.mock.requests.count
        _ = try await client.result("turn/start", ["session_id": session, "prompt": "back on the baseline"])
        #expect(models(server, from: seen) == ["gpt-5.4"])

        // A reconfiguration changes the baseline until changed again.
        let reconfigured = try await client.result(
            "llm/reconfigure", ["session_id": session, "model": "gpt-5.4-mini"])
        #expect(reconfigured["report"]?["new_identity"]?["model"] == "gpt-5.4-mini", "\(reconfigured)")
        seen = server.mock.requests.count
        _ = try await client.result("turn/start", ["session_id": session, "prompt": "reconfigured"])
        #expect(models(server, from: seen) == ["gpt-5.4-mini"])
        let after = try await client.result("routing/status", ["session_id": session])
        #expect(after["status"]?["baseline_model"] == "gpt-5.4-mini")

        // Bad input names the field; an unknown model is refused and changes nothing.
        let zero = await client.call(
            "routing/switch_turn",
            ["session_id": session, "request_id": "r2", "target_model": "gpt-5.4", "duration": ["turns": 0]])
        #expect(zero["error"]?["data"]?["field"] == "duration.turns")
        let unknown = await client.call("llm/reconfigure", ["session_id": session, "model": "gpt-5.44-nope"])
        #expect(unknown["error"] != nil)
        #expect(unknown["error"]?["code"] != -32603, "\(unknown)")
        let unchanged = try await client.result("routing/status", ["session_id": session])
        #expect(unchanged["status"]?["baseline_model"] == "gpt-5.4-mini")
        await client.close()
        await server.stop()
    }

    @Test func nonLoopbackStyleTokenIsCheckedByInitialize() async throws {
        let server = try await RPCTestServer.start(authToken: "s3cret-token")
        let client = try await server.client()
        let early = await client.call("session/list")
        #expect(early["error"]?["code"] == -32003)
        let wrong = await client.call("initialize", ["auth_token": "s3cret-tokem"])
        #expect(wrong["error"]?["code"] == -32003)
        #expect(!wrong.compactText().contains("s3cret-token"))
        let missing = await client.call("initialize", [:])
        #expect(missing["error"]?["data"]?["field"] == "auth_token")
        _ = try await client.result("initialize", ["auth_token": "s3cret-token"])
        _ = try await client.result("session/list")
        await client.close()
        await server.stop()
    }

    @Test func sqliteRealmServesTheSameWay() async throws {
        let server = try await RPCTestServer.start(backend: .sqlite)
        let client = try await server.client()
        let id = try await session(client)
        let answer = try await client.result("turn/start", ["session_id": .string(id), "prompt": "persisted"])
        #expect(answer["completion"]?["result"]?["text"] == "echo: persisted")
        let list = try await client.result("session/list")
        #expect(list["sessions"]?.arrayValue?.count == 1)
        _ = try await client.result("session/archive", ["session_id": .string(id)])
        #expect(try await client.result("session/list")["sessions"] == [])
        _ = try await client.result("session/delete", ["session_id": .string(id)])
        let gone = await client.call("session/read", ["session_id": .string(id)])
        #expect(gone["error"]?["data"]?["code"] == "session_not_found")
        await client.close()
        await server.stop()
    }
}

final class Box<Value: Sendable>: Sendable {
    private let storage: Mutex<Value>
    init(_ value: Value) { storage = Mutex(value) }
    var value: Value { storage.withLock { $0 } }
    func update(_ body: (inout Value) -> Void) { storage.withLock { body(&$0) } }
}
