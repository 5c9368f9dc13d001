import Foundation
import MeerkatCore
import MeerkatTesting
import Testing

/// End-to-end: the built `skat` binary as a subprocess against the mock provider (OpenAI Responses dialect).
@Suite("skat end to end", .serialized)
struct CLITests {
    private func mock() async throws -> MockProviderServer {
        let server = MockProviderServer()
        try await server.start()
        return server
    }

    private func one(_ result: SkatResult) throws -> [String: JSONValue] {
        let lines = result.jsonLines
        guard lines.count == 1 else {
            throw SkatTestFailure("expected one JSON line, got \(lines.count): \(result.stdout) / \(result.stderr)")
        }
        return lines[0]
    }

    @Test func runWithToolCallsPrintsStableJSON() async throws {
        let server = try await mock()
        defer { Task { await server.stop() } }
        let sandbox = try SkatSandbox(mockBaseURL: server.baseURL)
        let result = try await sandbox.run([
            "run", "-m", "gpt-5.4", "-t", "safe", "-o", "json", #"Read it. call tool read_file {"path": "notes.txt"}"#,
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let output = try one(result)
        #expect(output["status"] == "completed")
        #expect(output["tool_calls"] == 1 && output["turns"] == 2)
        #expect(output["text"]?.stringValue?.contains("hello from the project") == true)
        #expect(output["deduplicated"] == false)
        #expect(
            Set(output.keys).isSuperset(of: [
                "session_id", "input_id", "status", "deduplicated", "text", "usage", "turns", "tool_calls",
            ]))
        #expect(SessionID(output["session_id"]?.stringValue ?? "") != nil)
    }

    @Test func resumeContinuesTheLastSession() async throws {
        let server = try await mock()
        defer { Task { await server.stop() } }
        let sandbox = try SkatSandbox(mockBaseURL: server.baseURL)
        let first = try one(try await sandbox.run(["run", "-m", "gpt-5.4", "-o", "json", "first message"]))
        let second = try one(try await sandbox.run(["run", "--resume", "-o", "json", "second message"]))
        #expect(second["session_id"] == first["session_id"])
        #expect(second["text"] == "echo: second message")
        let session = try #require(first["session_id"]?.stringValue)
        let history = try await sandbox.run(["session", "history", String(session.prefix(20)), "-o", "json"])
        let messages = try #require(try JSONValue.parse(history.stdout)["messages"]?.arrayValue)
        #expect(messages.filter { $0["role"] == "user" }.count == 2)
        let unknown = try await sandbox.run(["run", "--resume=ffffffff", "x"])
        #expect(unknown.status == 1)
        #expect(unknown.stderr == "skat: no session matches 'ffffffff'\n")
    }

    @Test func stdinLineArrivingMidTurnIsQueued() async throws {
        let server = try await mock()
        defer { Task { await server.stop() } }
        var slow = MockStreamOptions()
        slow.chunkDelay = .milliseconds(300)
        server.enqueue(.text("a slow first answer", slow))
        let sandbox = try SkatSandbox(mockBaseURL: server.baseURL)
        let running = try sandbox.start(["run", "-m", "gpt-5.4", "-o", "json", "--stdin", "lines"])
        running.write("first line\n")
        #expect(await server.waitForRequests(1, timeout: .seconds(30)))
        running.write("second line\n")
        running.closeInput()
        let result = await running.finish()
        #expect(result.status == 0, "\(result.stderr)")
        let outputs = result.jsonLines
        #expect(outputs.map { $0["status"] } == ["completed", "completed"])
        #expect(outputs.map { $0["text"] } == ["a slow first answer", "echo: second line"])
        // The second line ran after the first turn finished: its request carries the first answer.
        #expect(server.requests.count == 2)
        #expect(server.requests[1].bodyText.contains("a slow first answer"))
    }

    @Test func stdinLineWithSteerIsDeliveredIntoTheRunningTurn() async throws {
        let server = try await mock()
        defer { Task { await server.stop() } }
        let sandbox = try SkatSandbox(mockBaseURL: server.baseURL)
        let running = try sandbox.start([
            "run", "-m", "gpt-5.4", "-t", "safe", "-o", "json", "--stdin", "lines", "--steer",
        ])
        running.write(#"call tool wait {"seconds": 60, "reason": "demo"}"# + "\n")
        #expect(await server.waitForRequests(1, timeout: .seconds(30)))
        running.write("change of plan\n")
        running.closeInput()
        let result = await running.finish()
        #expect(result.status == 0, "\(result.stderr)")
        let outputs = result.jsonLines
        #expect(outputs.map { $0["status"] } == ["completed", "completed_without_result"])
        // One run: the steer reached the second model request of the first turn as context.
        #expect(server.requests.count == 2)
        #expect(server.requests[1].bodyText.contains("change of plan"))
    }

    @Test func sigintInterruptsTheRunAndLeavesAConsistentSession() async throws {
        let server = try await mock()
        defer { Task { await server.stop() } }
        var stalled = MockStreamOptions()
        stalled.chunkDelay = .seconds(20)
        server.enqueue(.text("this will never finish streaming", stalled))
        let sandbox = try SkatSandbox(mockBaseURL: server.baseURL)
        let running = try sandbox.start(["run", "-m", "gpt-5.4", "-o", "json", "tell me a story"])
        running.closeInput()
        #expect(await server.waitForRequests(1, timeout: .seconds(30)))
        running.interrupt()
        let result = await running.finish()
        #expect(result.status == 130, "\(result.stderr)")
        let output = try one(result)
        #expect(output["status"] == "cancelled")
        let session = try #require(output["session_id"]?.stringValue)
        let input = try #require(output["input_id"]?.stringValue)
        let status = try await sandbox.run(["input", "status", session, input, "-o", "json"])
        let row = try JSONValue.parse(status.stdout)
        #expect(row["current_state"] == "abandoned")
        let history = try JSONValue.parse(try await sandbox.run(["session", "history", session, "-o", "json"]).stdout)
        let roles = history["messages"]?.arrayValue?.compactMap { $0["role"]?.stringValue } ?? []
        #expect(!roles.contains("block_assistant"))  // the partial answer was not committed
        // The session is usable afterwards.
        let again = try one(try await sandbox.run(["run", "--resume=\(session)", "-o", "json", "again"]))
        #expect(again["status"] == "completed")
    }

    @Test func schemaReturnsValidatedJSON() async throws {
        let server = try await mock()
        defer { Task { await server.stop() } }
        server.enqueue(.text("The answer is 42."), .text(#"{"answer": "42"}"#))
        let sandbox = try SkatSandbox(mockBaseURL: server.baseURL)
        let schema = #"{"type":"object","properties":{"answer":{"type":"string"}},"required":["answer"]}"#
        let output = try one(
            try await sandbox.run(["run", "-m", "gpt-5.4", "-o", "json", "--schema", schema, "what is it?"]))
        #expect(output["structured_output"] == ["answer": "42"])
        #expect(output["text"] == "The answer is 42.")
    }

    @Test func idempotencyKeyNeverRunsTheInputTwice() async throws {
        let server = try await mock()
        defer { Task { await server.stop() } }
        let sandbox = try SkatSandbox(mockBaseURL: server.baseURL)
        let arguments = ["run", "-m", "gpt-5.4", "-o", "json", "--idempotency-key", "job-7", "do it once"]
        let first = try one(try await sandbox.run(arguments))
        let second = try one(try await sandbox.run(arguments))
        #expect(first["status"] == "completed" && second["status"] == "completed")
        #expect(second["deduplicated"] == true)
        #expect(second["input_id"] == first["input_id"] && second["session_id"] == first["session_id"])
        #expect(second["text"] == first["text"])
        #expect(server.requests.count == 1)
    }

    @Test func exitCodes() async throws {
        let server = try await mock()
        defer { Task { await server.stop() } }
        let sandbox = try SkatSandbox(mockBaseURL: server.baseURL)
        let ok = try await sandbox.run(["run", "-m", "gpt-5.4", "hi"])
        #expect(ok.status == 0 && ok.stdout == "echo: hi\n")
        let budget = try await sandbox.run([
            "run", "-m", "gpt-5.4", "-t", "safe", "--max-tool-calls", "0", "-o", "json", "call tool list_dir {}",
        ])
        #expect(budget.status == 2)
        #expect(try one(budget)["terminal_cause_kind"] == "budget_exhausted")
        let usage = try await sandbox.run(["run", "--tools", "bogus", "x"])
        #expect(usage.status == 64)
        #expect(usage.stderr.contains("'bogus' is invalid for '--tools"), "\(usage.stderr)")
        #expect(usage.stderr.contains("'none', 'safe', 'workspace'"), "\(usage.stderr)")
        let error = try await sandbox.run(["session", "show", "nope-nope"])
        #expect(error.status == 1 && error.stderr == "skat: no session matches 'nope-nope'\n")
    }

    @Test func runsOnNIOsEventLoopsWhenTheEnvironmentAsks() async throws {
        let server = try await mock()
        defer { Task { await server.stop() } }
        let sandbox = try SkatSandbox(mockBaseURL: server.baseURL)
        let prompt = #"Read it. call tool read_file {"path": "notes.txt"}"#
        let nio = try await sandbox.run(
            ["run", "-m", "gpt-5.4", "-t", "safe", "-o", "json", prompt], environment: ["MEERKAT_EXECUTOR": "nio"])
        #expect(nio.status == 0 && !nio.stderr.contains("warning"), "\(nio.stderr)")
        let output = try one(nio)
        #expect(output["status"] == "completed" && output["tool_calls"] == 1 && output["turns"] == 2)
        let swift = try one(try await sandbox.run(["run", "--resume", "-o", "json", "again"]))
        #expect(swift["session_id"] == output["session_id"] && swift["text"] == "echo: again")
        let doctor = try await sandbox.run(["doctor"], environment: ["MEERKAT_EXECUTOR": "nio"])
        #expect(doctor.stdout.contains("tasks run on NIO's event loops (MEERKAT_EXECUTOR=nio)"))
        #expect(try await sandbox.run(["doctor"]).stdout.contains("tasks run on Swift's global executor"))
        let bogus = try await sandbox.run(["run", "-m", "gpt-5.4", "hi"], environment: ["MEERKAT_EXECUTOR": "threads"])
        #expect(bogus.status == 64)
        #expect(bogus.stderr == "skat: MEERKAT_EXECUTOR: unknown executor 'threads'; expected 'swift' or 'nio'\n")
        #expect(server.requests.count == 3)
    }

    @Test func badInputGivesOneLineErrors() async throws {
        let server = try await mock()
        defer { Task { await server.stop() } }
        let sandbox = try SkatSandbox(mockBaseURL: server.baseURL)
        let unknown = try await sandbox.run(["run", "-m", "no-such-model", "hi"])
        #expect(unknown.status == 1)
        #expect(
            unknown.stderr.hasPrefix("skat: unknown model 'no-such-model'")
                && unknown.stderr.split(separator: "\n").count == 1)
        let missingKey = try await sandbox.run(["run", "-m", "claude-opus-5", "hi"])
        #expect(missingKey.status == 1)
        #expect(missingKey.stderr.contains("ANTHROPIC_API_KEY"))
        let schema = try await sandbox.run(["run", "-m", "gpt-5.4", "--schema", "/nonexistent/schema.json", "hi"])
        #expect(
            schema.status == 1
                && schema.stderr == "skat: --schema: cannot read schema file '/nonexistent/schema.json'\n")
        let notObject = try await sandbox.run(["run", "-m", "gpt-5.4", "--schema", #"{"type":"array"}"#, "hi"])
        #expect(notObject.status == 1 && notObject.stderr.contains("output_schema root must describe an object"))
        #expect(server.requests.isEmpty)
    }

    @Test func mcpServerToolsAreUsableFromRun() async throws {
        let server = try await mock()
        defer { Task { await server.stop() } }
        let sandbox = try SkatSandbox(mockBaseURL: server.baseURL)
        let testServer = SkatBinary.url.deletingLastPathComponent().appendingPathComponent("MeerkatMCPTestServer")
        let add = try await sandbox.run(["mcp", "add", "tester", "--", testServer.path])
        #expect(add.status == 0, "\(add.stderr)")
        let list = try await sandbox.run(["mcp", "list", "--json"])
        #expect(try JSONValue.parse(list.stdout).arrayValue?.first?["name"] == "tester")
        let run = try one(
            try await sandbox.run([
                "run", "-m", "gpt-5.4", "--wait-for-mcp", "-o", "json", #"call tool echo {"text": "via MCP"}"#,
            ]))
        #expect(run["text"] == "tool results: via MCP")
        let removed = try await sandbox.run(["mcp", "remove", "tester"])
        #expect(removed.status == 0 && removed.stdout.contains("removed MCP server tester"))
        let missing = try await sandbox.run(["mcp", "get", "tester"])
        #expect(missing.status == 1 && missing.stderr == "skat: no MCP server named 'tester'\n")
    }

    @Test func initCreatesTheProjectConfigAndDoctorReportsHealth() async throws {
        let server = try await mock()
        defer { Task { await server.stop() } }
        let sandbox = try SkatSandbox(mockBaseURL: server.baseURL)
        let initialized = try await sandbox.run(["init"])
        #expect(initialized.status == 0 && initialized.stdout.hasPrefix("created "))
        let template = try String(
            contentsOf: sandbox.project.appendingPathComponent(".skat/config.toml"), encoding: .utf8)
        #expect(template.contains("[agent]"))
        #expect(try await sandbox.run(["init"]).stdout.contains("already exists; nothing changed"))
        let doctor = try await sandbox.run(["doctor"])
        #expect(doctor.status == 0, "\(doctor.stdout)\(doctor.stderr)")
        #expect(doctor.stdout.contains("ok   openai key found"))
        #expect(doctor.stdout.contains("ok   read project config"))
        #expect(doctor.stdout.contains("not created yet"))
        _ = try await sandbox.run(["run", "-m", "gpt-5.4", "hi"])
        #expect(try await sandbox.run(["doctor"]).stdout.contains("ok   database integrity"))
        #expect(!doctor.stdout.contains("test-key"))  // keys are never printed
        // A configured self-hosted server that does not answer fails the check.
        let patch = try await sandbox.run(
            ["config", "patch"],
            stdin: #"{"self_hosted": {"servers": {"gone": {"base_url": "http://127.0.0.1:9/v1"}}}}"#)
        #expect(patch.status == 0, "\(patch.stderr)")
        let failing = try await sandbox.run(["doctor"])
        #expect(failing.status == 1)
        #expect(failing.stdout.contains("FAIL self-hosted server gone"))
    }

    @Test func versionHelpModelsAndConfig() async throws {
        let server = try await mock()
        defer { Task { await server.stop() } }
        let sandbox = try SkatSandbox(mockBaseURL: server.baseURL)
        #expect(try await sandbox.run(["--version"]).stdout == "0.1.0\n")
        #expect(try await sandbox.run(["--help"]).stdout.contains("USAGE: skat"))
        let models = try JSONValue.parse(try await sandbox.run(["models", "-o", "json"]).stdout)
        #expect(models.arrayValue?.contains { $0["id"] == "claude-opus-5" && $0["provider"] == "anthropic" } == true)
        let set = try await sandbox.run(
            ["config", "patch", "--expected-generation", "0"], stdin: #"{"agent": {"max_turns": 7}}"#)
        #expect(set.status == 0 && set.stdout == "config patched (generation 1)\n")
        let conflict = try await sandbox.run(
            ["config", "patch", "--expected-generation", "0"], stdin: #"{"agent": {"max_turns": 8}}"#)
        #expect(conflict.status == 1 && conflict.stderr.contains("expected generation 0, current generation is 1"))
        let get = try await sandbox.run(["config", "get", "--format", "json"])
        #expect(try JSONValue.parse(get.stdout) == ["agent": ["max_turns": 7]])
        let bad = try await sandbox.run(["config", "patch"], stdin: #"{"agent": {"max_turns": "many"}}"#)
        #expect(bad.status == 1 && bad.stderr.contains("'agent.max_turns': expected an integer"))
    }
}

struct SkatTestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
