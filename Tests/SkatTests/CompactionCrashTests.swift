import Foundation
import MeerkatCore
import MeerkatTesting
import Testing

/// Issue 15: SIGKILL of `skat session compact` at seeded moments of the compaction (before, during and after the
/// summary call) leaves a session that resumes and answers, with its history intact and no orphaned tool call.
@Suite("SIGKILL during compaction", .serialized)
struct CompactionCrashTests {
    @Test(arguments: [UInt64(3), 7, 11, 19, 23])
    func sigkillDuringCompactionLeavesASessionThatResumesAndAnswers(seed: UInt64) async throws {
        var stream = MockStreamOptions()
        stream.chunkDelay = .milliseconds(15)
        let server = MockProviderServer(configuration: .init(ruleStreamOptions: stream))
        try await server.start()
        defer { Task { await server.stop() } }
        let sandbox = try SkatSandbox(mockBaseURL: server.baseURL)
        // Six exchanges: more than the default recent_turn_budget (4), so the compaction has rows to archive.
        var generator = SeededRandom(seed: seed)

        let first = try await sandbox.run(["run", "-m", "gpt-5.4", "-t", "safe", "-o", "json", "seed \(seed) turn 0"])
        #expect(first.status == 0, "\(first.stderr)")
        let id = try #require(first.jsonLines.first?["session_id"]?.stringValue)
        for turn in 1...5 {
            let prompt =
                turn == 2
                ? #"turn 2: call tool read_file {"path": "notes.txt"}"#
                : "turn \(turn) "
                    + String(
                        repeating: "words ", count: 30)
            let result = try await sandbox.run(["run", "--resume=\(id)", "-o", "json", prompt])
            #expect(result.status == 0, "\(result.stderr)")
        }

        let requestsBefore = server.requests.count
        let running = try sandbox.start(["session", "compact", id])
        running.closeInput()
        let afterSummaryStart = Int(generator.next() % 400)
        let start = ContinuousClock.now
        var fireAt: ContinuousClock.Instant?
        while running.isRunning {
            let now = ContinuousClock.now
            if fireAt == nil, server.requests.count > requestsBefore || now - start > .seconds(20) {
                fireAt = now + .milliseconds(afterSummaryStart)
            }
            if let fireAt, now >= fireAt {
                running.killNow()
                break
            }
            try await Task.sleep(for: .milliseconds(2))
        }
        let killed = await running.finish()

        let after = try await sandbox.run(["run", "--resume=\(id)", "-o", "json", "after the crash"])
        #expect(after.status == 0, "seed \(seed) (compact exit \(killed.status)): \(after.stderr)")
        #expect(after.jsonLines.first?["text"]?.stringValue?.contains("after the crash") == true, "\(after.stdout)")

        let history = try await sandbox.run(["session", "history", id, "--limit", "1000", "-o", "json"])
        let messages = try #require(try JSONValue.parse(history.stdout)["messages"]?.arrayValue)
        let decoded = try messages.map { try WireJSON.fromJSONValue($0) as Message }
        let session = Session(messages: decoded)
        #expect(session.unansweredToolUseIDs.isEmpty, "seed \(seed)")
        let prompts = decoded.compactMap { message -> String? in
            if case .user(let content, .conversational, _) = message { return content.first?.textProjection }
            return nil
        }
        #expect(prompts.first == "seed \(seed) turn 0" && prompts.last == "after the crash", "\(prompts)")
        #expect(prompts.count == 7)
        let summaries = decoded.filter { if case .user(_, .compactionSummary, _) = $0 { true } else { false } }.count
        // Killed before its commit: no summary; after: one. Never a partial state (the commit is one transaction).
        #expect(summaries <= 1)
        print(
            "compaction crash seed \(seed): kill \(afterSummaryStart) ms after the summary request, compact exit "
                + "\(killed.status) \(killed.stderr.prefix(300)), summaries in history \(summaries)")
    }
}
