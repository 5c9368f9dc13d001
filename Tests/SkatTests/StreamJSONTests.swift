import Foundation
import MeerkatCore
import MeerkatTesting
import Testing

/// End-to-end: `skat run -o stream-json` and the text-mode summary line.
@Suite("skat stream-json", .serialized)
struct StreamJSONTests {
    private static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Golden/stream-json-tool-turn.jsonl")

    private func mock() async throws -> MockProviderServer {
        let server = MockProviderServer()
        try await server.start()
        return server
    }

    /// Replaces what differs between runs (ids, durations) with stable placeholders.
    static func normalise(_ line: JSONValue, ids: inout [String: String]) -> JSONValue {
        switch line {
        case .object(let fields):
            var out: [String: JSONValue] = [:]
            for (key, value) in fields {
                if key == "duration_ms" {
                    out[key] = 0
                } else if case .string(let text) = value, UUID(uuidString: text) != nil {
                    let kind = key.hasSuffix("_id") ? String(key.dropLast(3)) : key
                    if ids[text] == nil { ids[text] = "<\(kind)-\(ids.count + 1)>" }
                    out[key] = .string(ids[text] ?? text)
                } else {
                    out[key] = normalise(value, ids: &ids)
                }
            }
            return .object(out)
        case .array(let items):
            return .array(items.map { normalise($0, ids: &ids) })
        default:
            return line
        }
    }

    @Test func toolCallingTurnMatchesTheGoldenTranscript() async throws {
        let server = try await mock()
        defer { Task { await server.stop() } }
        let sandbox = try SkatSandbox(mockBaseURL: server.baseURL)
        let result = try await sandbox.run([
            "run", "-m", "gpt-5.4", "-t", "safe", "-o", "stream-json",
            #"Read it. call tool read_file {"path": "notes.txt"}"#,
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.isEmpty)
        let raw = result.stdout.split(separator: "\n").map(String.init)
        var ids: [String: String] = [:]
        let all = try raw.map { Self.normalise(try JSONValue.parse($0), ids: &ids).compactText() }
        if ProcessInfo.processInfo.environment["MEERKAT_UPDATE_GOLDEN"] == "1" {
            try (all.joined(separator: "\n") + "\n").write(to: Self.golden, atomically: true, encoding: .utf8)
        }
        // Up to the result; after it only the runtime going idle may follow. That line races the result (it may
        // come just before or after it, or not at all when skat exits first), so it is left out of the comparison.
        func upToResult(_ lines: [String]) -> [String] {
            let goingIdle = { (line: String) in
                line.contains("runtime.state_changed") && line.contains(#""from":"running""#)
            }
            guard let end = lines.lastIndex(where: { $0.contains(#""type":"result""#) }) else { return lines }
            #expect(lines[(end + 1)...].allSatisfy(goingIdle), "\(lines[(end + 1)...])")
            return lines[...end].filter { !goingIdle($0) }
        }
        let lines = upToResult(all)
        let golden = upToResult(
            try String(contentsOf: Self.golden, encoding: .utf8).split(separator: "\n").map(String.init))
        // The agent's and the runtime's events interleave as they arrive; each source's order is fixed.
        func source(_ name: String, _ lines: [String]) -> [String] {
            lines.filter { $0.contains(#""type":"\#(name)""#) && !$0.contains(#""type":"result""#) }
        }
        #expect(lines.first == golden.first)
        #expect(lines.last == golden.last)
        #expect(source("agent", lines) == source("agent", golden))
        #expect(source("runtime", lines) == source("runtime", golden))
        #expect(lines.count == golden.count)
        // Every line is one object with a type; the result line equals the `-o json` output.
        let parsed = try raw.map { try JSONValue.parse($0) }
        #expect(parsed.allSatisfy { $0["type"]?.stringValue != nil && $0["session_id"]?.stringValue != nil })
        let final = try #require(parsed.last { $0["type"] == "result" })
        #expect(final["type"] == "result" && final["status"] == "completed" && final["tool_calls"] == 1)
        // The result comes after the run's last agent event and the input's terminal runtime event.
        let types = parsed.map { $0["event"]?["type"]?.stringValue ?? $0["event"]?["code"]?.stringValue ?? "" }
        let resultIndex = try #require(parsed.lastIndex { $0["type"] == "result" })
        #expect(try #require(types.lastIndex(of: "run_completed")) < resultIndex)
        #expect(try #require(types.lastIndex(of: "input.consumed")) < resultIndex)
        #expect(try #require(types.lastIndex(of: "run.completed")) < resultIndex)
    }

    @Test func textModeEndsWithTheSessionAndUsageUnlessQuiet() async throws {
        let server = try await mock()
        defer { Task { await server.stop() } }
        let sandbox = try SkatSandbox(mockBaseURL: server.baseURL)
        let result = try await sandbox.run(["run", "-m", "gpt-5.4", "hi"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "echo: hi\n", "stderr: \(result.stderr)")
        let list = try JSONValue.parse(try await sandbox.run(["session", "list", "-o", "json"]).stdout)
        let session = try #require(list.arrayValue?.first?["id"]?.stringValue)
        #expect(result.stderr == "session \(session) · tokens 10 in, 5 out\n")
        let quiet = try await sandbox.run(["run", "-m", "gpt-5.4", "-q", "hi"])
        #expect(quiet.status == 0 && quiet.stderr.isEmpty)
    }
}
