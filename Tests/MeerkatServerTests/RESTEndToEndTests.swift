import Foundation
import MeerkatCore
import MeerkatSQLite
import MeerkatServer
import MeerkatService
import Testing

/// End-to-end over real loopback sockets against the in-process mock provider.
@Suite("REST end to end")
struct RESTEndToEndTests {
    @Test func createPromptStreamEventsAndComplete() async throws {
        let harness = try await RESTHarness.start()
        let created = try await harness.request(.POST, "/sessions", json: ["intent": ["labels": ["team": "core"]]])
        #expect(created.status == 201)
        let id = try #require(created.json?["session"]?["id"]?.stringValue)
        let events = try await harness.events(id, after: 0)
        #expect(events.status == 200)
        let accepted = try await harness.request(
            .POST, "/sessions/\(id)/inputs", json: ["input_type": "prompt", "content": "hello there"])
        #expect(accepted.status == 202)
        #expect(accepted.json?["outcome"]?["outcome_type"]?.stringValue == "accepted")
        let inputID = try #require(accepted.json?["input_id"]?.stringValue)
        let seen = try await events.until { $0.type == "run_completed" }
        let seqs = seen.compactMap(\.id)
        #expect(seqs == Array(1...UInt64(seqs.count)), "sequence numbers are dense from 1")
        #expect(seen.contains { $0.event == "runtime" })
        #expect(seen.contains { $0.type == "text_delta" || $0.type == "text_complete" })
        // The transcript commit follows the run's last event: wait for the input's outcome first.
        _ = try await harness.service.waitForCompletion(
            try #require(SessionID(id)), input: try #require(InputID(inputID)))
        let state = try await harness.request(.GET, "/sessions/\(id)/inputs/\(inputID)")
        #expect(state.status == 200)
        let history = try await harness.request(.GET, "/sessions/\(id)/history?limit=10")
        #expect(history.status == 200)
        #expect(history.text.contains("echo: hello there"))
        let list = try await harness.request(.GET, "/sessions?label=team:core")
        #expect(list.json?["sessions"]?.arrayValue?.count == 1)
        let read = try await harness.request(.GET, "/sessions/\(id)")
        #expect(read.json?["title"]?.stringValue == "hello there")
        #expect(harness.recorder.problems() == [])
        try await harness.stop()
    }

    @Test func idempotencyKeyRetryIsDeduplicatedAndWaitReturnsTheCompletion() async throws {
        let harness = try await RESTHarness.start()
        let id = try #require(try await harness.request(.POST, "/sessions").json?["session"]?["id"]?.stringValue)
        let body: JSONValue = ["input_type": "prompt", "content": "once", "idempotency_key": "k-1"]
        let first = try await harness.request(.POST, "/sessions/\(id)/inputs?wait=true", json: body)
        #expect(first.status == 200)
        #expect(first.json?["completion"]?["completion_type"]?.stringValue == "completed")
        let again = try await harness.request(.POST, "/sessions/\(id)/inputs", json: body)
        #expect(again.status == 202)
        #expect(again.json?["outcome"]?["outcome_type"]?.stringValue == "deduplicated")
        #expect(again.json?["input_id"] == first.json?["input_id"])
        let history = try await harness.request(.GET, "/sessions/\(id)/history")
        #expect(history.text.components(separatedBy: "echo: once").count == 2, "the model answered once")
        #expect(harness.recorder.problems() == [])
        try await harness.stop()
    }

    @Test func runtimeControlsAnswerTheirReports() async throws {
        let harness = try await RESTHarness.start()
        let id = try #require(try await harness.request(.POST, "/sessions").json?["session"]?["id"]?.stringValue)
        let state = try await harness.request(.GET, "/sessions/\(id)/runtime")
        #expect(["idle", "attached"].contains(state.json?["state"]?.stringValue ?? ""))
        let interrupt = try await harness.request(.POST, "/sessions/\(id)/runtime/interrupt")
        #expect(interrupt.json?["result"]?.stringValue == "interrupted")
        let reset = try await harness.request(.POST, "/sessions/\(id)/runtime/reset")
        #expect(reset.status == 200 && reset.json?["inputs_abandoned"]?.intValue == 0)
        let retire = try await harness.request(.POST, "/sessions/\(id)/runtime/retire")
        #expect(retire.status == 200 && retire.json?["inputs_pending_drain"] != nil)
        #expect(try await harness.request(.GET, "/sessions/\(id)/runtime").json?["state"]?.stringValue == "retired")
        let refused = try await harness.request(
            .POST, "/sessions/\(id)/inputs", json: ["input_type": "prompt", "content": "after retire"])
        #expect(refused.status == 409 || refused.status == 422)
        let stop = try await harness.request(.POST, "/sessions/\(id)/runtime/stop")
        #expect(stop.status == 200 && stop.json?["state"] != nil)
        // The routing status of a stopped runtime's session (RUNTIME.md §13).
        let routing = try await harness.request(.GET, "/sessions/\(id)/routing")
        #expect(routing.status == 200 && routing.json?["topology_epoch"] != nil, "\(routing.json ?? nil)")
        let archive = try await harness.request(.POST, "/sessions/\(id)/archive")
        #expect(archive.json?["archived"]?.boolValue == true)
        #expect(try await harness.request(.DELETE, "/sessions/\(id)").status == 204)
        #expect(try await harness.request(.GET, "/sessions/\(id)").status == 404)
        #expect(harness.recorder.problems() == [])
        try await harness.stop()
    }

    @Test func steerSentWhileAToolRunsReachesTheModelAtTheNextCheckpoint() async throws {
        let harness = try await RESTHarness.start(tools: "workspace")
        let fifo = harness.folder.appendingPathComponent("gate.fifo").path
        #expect(mkfifo(fifo, 0o600) == 0)
        let id = try #require(try await harness.request(.POST, "/sessions").json?["session"]?["id"]?.stringValue)
        let events = try await harness.events(id, after: 0)
        let command = "call tool shell {\"command\": \"cat \(fifo)\"}"
        let first = try await harness.request(
            .POST, "/sessions/\(id)/inputs", json: ["input_type": "prompt", "content": .string(command)])
        #expect(first.status == 202)
        _ = try await events.until { $0.type == "tool_execution_started" }
        let steer = try await harness.request(
            .POST, "/sessions/\(id)/inputs",
            json: ["input_type": "prompt", "content": "steered: also say hi", "handling_mode": "steer"])
        #expect(steer.status == 202)
        // Release the tool: opening the FIFO for writing lets `cat` finish.
        let writer = FileHandle(forWritingAtPath: fifo)
        writer?.write(Data("released\n".utf8))
        try writer?.close()
        _ = try await events.until { $0.type == "run_completed" }
        let requests = harness.mock.requests.map(\.bodyText)
        let afterTool = try #require(requests.first { $0.contains("released") })
        #expect(afterTool.contains("steered: also say hi"), "the steer joined the request after the tool result")
        #expect(harness.recorder.problems() == [])
        try await harness.stop()
    }

    @Test func queueLimitAnswers429WithRetryAfter() async throws {
        let harness = try await RESTHarness.start(
            service: SessionServiceOptions(maxActiveInputsPerSession: 1, queueFullRetryAfterSeconds: 3),
            tools: "workspace")
        let fifo = harness.folder.appendingPathComponent("gate.fifo").path
        #expect(mkfifo(fifo, 0o600) == 0)
        let id = try #require(try await harness.request(.POST, "/sessions").json?["session"]?["id"]?.stringValue)
        let events = try await harness.events(id, after: 0)
        let command = "call tool shell {\"command\": \"cat \(fifo)\"}"
        _ = try await harness.request(
            .POST, "/sessions/\(id)/inputs", json: ["input_type": "prompt", "content": .string(command)])
        _ = try await events.until { $0.type == "tool_execution_started" }
        let refused = try await harness.request(
            .POST, "/sessions/\(id)/inputs", json: ["input_type": "prompt", "content": "one too many"])
        #expect(refused.status == 429)
        #expect(refused.headers.first(name: "Retry-After") == "3")
        #expect(refused.json?["error"]?["code"]?.stringValue == "queue_full")
        let active = try await harness.request(.GET, "/sessions/\(id)/inputs?active=true")
        #expect(active.json?["input_ids"]?.arrayValue?.count == 1)
        let writer = FileHandle(forWritingAtPath: fifo)
        try writer?.close()
        _ = try await events.until { $0.type == "run_completed" }
        #expect(harness.recorder.problems() == [])
        try await harness.stop()
    }
}
