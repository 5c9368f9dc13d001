import Foundation
import MeerkatCore
import MeerkatServer
import MeerkatService
import Testing

/// SSE resume from the durable event log: no loss, no duplicate, across a server restart, and a truncation notice
/// when the log no longer holds the resume point.
@Suite("REST event resume")
struct RESTEventResumeTests {
    /// Runs one prompt to completion and returns the events of that run as the stream delivered them.
    private func runPrompt(_ harness: RESTHarness, _ id: String, _ text: String, stream: SSEReader) async throws
        -> [SSEEvent]
    {
        let accepted = try await harness.request(
            .POST, "/sessions/\(id)/inputs", json: ["input_type": "prompt", "content": .string(text)])
        #expect(accepted.status == 202)
        return try await stream.until { $0.type == "run_completed" }
    }

    @Test func lastEventIDResumesWithoutLossAcrossARestart() async throws {
        let harness = try await RESTHarness.start(backend: .sqlite)
        let id = try #require(try await harness.request(.POST, "/sessions").json?["session"]?["id"]?.stringValue)
        let live = try await harness.events(id, after: 0)
        let firstRun = try await runPrompt(harness, id, "first", stream: live)
        let all = firstRun.compactMap(\.id)
        #expect(all == Array(1...UInt64(all.count)))
        // A reconnect in the middle gets exactly the rest, in order.
        let middle = all[all.count / 2]
        let resumed = try await harness.events(id, lastEventID: middle)
        let rest = try await resumed.until { $0.id == all.last }
        #expect(rest.compactMap(\.id) == Array(all.filter { $0 > middle }))
        #expect(rest.map(\.data) == firstRun.filter { ($0.id ?? 0) > middle }.map(\.data))

        // Restart: a new server process on the same realm replays from the durable log.
        let folder = harness.folder
        try await harness.stopServer()
        let restarted = try await RESTHarness.start(
            backend: .sqlite, folder: folder, mock: (harness.mock, harness.mockPort))
        let afterRestart = try await restarted.events(id, lastEventID: middle)
        let replayed = try await afterRestart.until { $0.id == all.last }
        #expect(replayed.compactMap(\.id) == Array(all.filter { $0 > middle }))
        // New events continue the numbering after the logged ones.
        let secondRun = try await runPrompt(restarted, id, "second", stream: afterRestart)
        let next = secondRun.compactMap(\.id)
        #expect(next.first == (all.last ?? 0) + 1 && next == Array(next[0]...next[0] + UInt64(next.count - 1)))
        #expect(harness.recorder.problems() == [] && restarted.recorder.problems() == [])
        try await restarted.stop()
    }

    @Test func aResumePointOlderThanTheLogGetsStreamTruncatedFirst() async throws {
        let policy = SessionEventLogPolicy(maxEventsPerSession: 3, pruneInterval: 1)
        let harness = try await RESTHarness.start(service: SessionServiceOptions(eventLog: policy))
        let id = try #require(try await harness.request(.POST, "/sessions").json?["session"]?["id"]?.stringValue)
        let live = try await harness.events(id, after: 0)
        let run = try await runPrompt(harness, id, "prune me", stream: live)
        let last = try #require(run.last?.id)
        #expect(last > 3)
        let late = try await harness.events(id, lastEventID: 1)
        let first = try #require(try await late.next())
        #expect(first.event == "stream_truncated")
        #expect(first.json?["requested_after"]?.intValue == 1)
        let firstAvailable = try #require(first.json?["first_available"]?.intValue)
        #expect(firstAvailable > 2)
        let next = try #require(try await late.next())
        #expect(next.id == UInt64(firstAvailable), "the stream continues at the first kept event")
        try await harness.stop()
    }

    @Test func invalidLastEventIDIsABadRequest() async throws {
        let harness = try await RESTHarness.start()
        let id = try #require(try await harness.request(.POST, "/sessions").json?["session"]?["id"]?.stringValue)
        let reply = try await harness.request(.GET, "/sessions/\(id)/events", headers: [("Last-Event-ID", "abc")])
        #expect(reply.status == 400 && reply.json?["error"]?["field"]?.stringValue == "Last-Event-ID")
        let unknown = try await harness.events("00000000-0000-4000-8000-000000000000")
        #expect(unknown.status == 404)
        try await harness.stop()
    }
}
