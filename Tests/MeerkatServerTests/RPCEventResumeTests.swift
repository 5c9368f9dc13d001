import Foundation
import MeerkatCore
import MeerkatServer
import MeerkatService
import Testing

/// `session/subscribe` reads the durable per-session event log: a resume by sequence loses nothing, also across a
/// server restart, and a resume older than the log starts with a `stream_truncated` notice.
@Suite("JSON-RPC event resume", .serialized, .timeLimit(.minutes(1)))
struct RPCEventResumeTests {
    /// The `session/event` notifications of one subscription until (and with) the agent event `type`.
    private func events(_ client: RPCTestClient, until type: String) async -> [JSONValue] {
        var out: [JSONValue] = []
        while let message = await client.nextUnsolicited() {
            guard message["method"] == "session/event", let params = message["params"] else { continue }
            out.append(params)
            if params["kind"] == "agent", params["event"]?["type"]?.stringValue == type { break }
        }
        return out
    }

    private func sequences(_ events: [JSONValue]) -> [UInt64] {
        events.compactMap { $0["seq"]?.intValue.map { UInt64($0) } }
    }

    @Test func resumeAfterARestartLosesNoEvent() async throws {
        var server = try await RPCTestServer.start(backend: .sqlite)
        var client = try await server.client()
        let created = try await client.result("session/create", ["intent": ["model": .string(RPCTestServer.model)]])
        let id = try #require(created["session_id"]?.stringValue)
        _ = try await client.result("session/subscribe", ["session_id": .string(id), "after_seq": 0])
        _ = try await client.result("turn/start", ["session_id": .string(id), "prompt": "before the restart"])
        let before = await events(client, until: "run_completed")
        let seenBefore = sequences(before)
        // Dense from the first event: nothing was skipped live.
        #expect(seenBefore == Array(1...UInt64(seenBefore.count)))
        #expect(before.contains { $0["kind"] == "runtime" }, "runtime events are logged and sent too")
        let resumePoint = try #require(seenBefore.last)
        await client.close()

        server = try await server.restart()
        client = try await server.client()
        let resumed = try await client.result(
            "session/subscribe", ["session_id": .string(id), "after_seq": .number(Double(resumePoint))])
        #expect((resumed["last_seq"]?.intValue ?? 0) >= Int(resumePoint))
        _ = try await client.result("turn/start", ["session_id": .string(id), "prompt": "after the restart"])
        let after = await events(client, until: "run_completed")
        let seenAfter = sequences(after)
        // Everything logged after the resume point — the tail of the first turn, written before the restart, and the
        // second turn — arrives once, in order, without a gap.
        #expect(!seenAfter.isEmpty)
        #expect(seenAfter == Array((resumePoint + 1)...(resumePoint + UInt64(seenAfter.count))))
        #expect(!after.contains { $0["kind"] == "stream_truncated" })
        // The model's answer of the second turn is among them.
        #expect(
            after.contains {
                $0["kind"] == "agent" && $0["event"]?.compactText().contains("echo: after the restart") == true
            })
        await client.close()
        await server.stop()
    }

    @Test func resumeOlderThanTheLogStartsWithStreamTruncated() async throws {
        var options = SessionServiceOptions()
        options.eventLog = SessionEventLogPolicy(maxEventsPerSession: 3, pruneInterval: 1)
        let server = try await RPCTestServer.start(service: options)
        let client = try await server.client()
        let created = try await client.result("session/create", ["intent": ["model": .string(RPCTestServer.model)]])
        let id = try #require(created["session_id"]?.stringValue)
        // Follow the turn to its end so that every event of it is logged (and older ones pruned).
        _ = try await client.result("session/subscribe", ["session_id": .string(id)])
        _ = try await client.result("turn/start", ["session_id": .string(id), "prompt": "many events"])
        _ = await events(client, until: "run_completed")
        let replay = try await client.result("session/subscribe", ["session_id": .string(id), "after_seq": 0])
        let subscription = try #require(replay["subscription_id"]?.stringValue)
        let notice = try #require(
            await client.nextUnsolicited(where: { $0["params"]?["subscription_id"]?.stringValue == subscription }))
        #expect(notice["params"]?["kind"] == "stream_truncated")
        #expect(notice["params"]?["requested_after"] == 0)
        let firstAvailable = try #require(notice["params"]?["first_available"]?.intValue)
        #expect(firstAvailable > 1)
        let next = try #require(
            await client.nextUnsolicited(where: { $0["params"]?["subscription_id"]?.stringValue == subscription }))
        #expect(next["params"]?["seq"]?.intValue == firstAvailable)
        await client.close()
        await server.stop()
    }

    @Test func deletingTheSessionEndsItsSubscriptionsWithANotice() async throws {
        let server = try await RPCTestServer.start()
        let client = try await server.client()
        let driver = try await server.client()
        let created = try await driver.result("session/create", ["intent": ["model": .string(RPCTestServer.model)]])
        let id = try #require(created["session_id"]?.stringValue)
        let subscribed = try await client.result("session/subscribe", ["session_id": .string(id), "after_seq": 0])
        let subscription = try #require(subscribed["subscription_id"]?.stringValue)
        _ = try await driver.result("turn/start", ["session_id": .string(id), "prompt": "soon gone"])
        _ = try await driver.result("session/delete", ["session_id": .string(id)])
        var last: Int?
        var ended: JSONValue?
        while let message = await client.nextUnsolicited() {
            if message["method"] == "session/subscription_ended" {
                ended = message["params"]
                break
            }
            last = message["params"]?["seq"]?.intValue ?? last
        }
        let notice = try #require(ended)
        #expect(notice["subscription_id"]?.stringValue == subscription)
        #expect(notice["last_seq"]?.intValue == (last ?? 0))
        // The subscription is gone from the connection.
        let again = await client.call("session/unsubscribe", ["subscription_id": .string(subscription)])
        #expect(again["error"]?["data"]?["code"] == "subscription_not_found")
        await client.close()
        await driver.close()
        await server.stop()
    }
}
