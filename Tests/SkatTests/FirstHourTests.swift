import Foundation
import MeerkatCore
import MeerkatTesting
import Testing

/// End-to-end checks of a new user's first hour (issue 10): config layers that are read, sessions that follow the
/// project, read-only commands that create nothing, `--resume <id>`, actionable errors and honest exit codes.
@Suite("skat first hour", .serialized)
struct FirstHourTests {
    private func mock() async throws -> MockProviderServer {
        let server = MockProviderServer()
        try await server.start()
        return server
    }

    private func json(_ result: SkatResult) throws -> [String: JSONValue] {
        guard let line = result.jsonLines.last else {
            throw SkatTestFailure("no JSON line in \(result.stdout) / \(result.stderr)")
        }
        return line
    }

    private func write(_ text: String, to file: URL) throws {
        try FileManager.default.createDirectory(
            at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: file, atomically: true, encoding: .utf8)
    }

    private func realms(_ sandbox: SkatSandbox) -> URL {
        sandbox.project.appendingPathComponent(".skat/realms")
    }

    // MARK: 1. Config layers

    @Test func theProjectConfigWithASelfHostedModelIsUsed() async throws {
        // A keyless local server, like llama.cpp or Ollama.
        let server = MockProviderServer(configuration: MockProviderServer.Configuration(requireAuth: false))
        try await server.start()
        defer { Task { await server.stop() } }
        let sandbox = try SkatSandbox(mockBaseURL: server.baseURL)
        let projectFile = sandbox.project.appendingPathComponent(".skat/config.toml")
        try write(
            """
            [self_hosted.servers.local]
            base_url = "\(server.baseURL)/v1"

            [self_hosted.models.llama]
            server = "local"
            remote_model = "llama3.2"
            """, to: projectFile)
        let userFile = sandbox.home.appendingPathComponent(".skat/config.toml")
        try write("[agent]\nmax_turns = 7\n", to: userFile)

        let run = try await sandbox.run(["-m", "llama", "-o", "json", "hi"])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(try json(run)["text"] == "echo: hi")
        #expect(server.requests.first?.path == "/v1/chat/completions")
        #expect(server.requests.first?.bodyText.contains("llama3.2") == true)

        // Every value with the layer it comes from.
        let effective = try JSONValue.parse(
            try await sandbox.run(["config", "get", "--effective", "--format", "json"]).stdout)
        let sources = try #require(effective["sources"]?.objectValue)
        #expect(sources["agent.max_turns"]?.stringValue == userFile.path)
        #expect(sources["self_hosted.models.llama.remote_model"]?.stringValue == projectFile.path)
        #expect(sources["tools.preset"] == "built-in")
        #expect(effective["config"]?["agent"]?["max_turns"] == 7)
        let text = try await sandbox.run(["config", "get", "--effective"])
        #expect(text.stdout.contains("agent.max_turns = 7  # \(userFile.path)"))
        #expect(text.stdout.contains("# project: \(projectFile.path)"))

        // The doctor names the files it read.
        let doctor = try await sandbox.run(["doctor"])
        #expect(doctor.stdout.contains("ok   read user config \(userFile.path)"))
        #expect(doctor.stdout.contains("ok   read project config \(projectFile.path)"))
        #expect(doctor.stdout.contains("ok   read realm config"))  // created empty with the realm
        #expect(doctor.stdout.contains("ok   config valid (3 files read)"))

        // An error names its file and key.
        try write("[agent]\nmodle = \"x\"\n", to: projectFile)
        let bad = try await sandbox.run(["-m", "gpt-5.4", "hi"])
        #expect(bad.status == 1)
        #expect(bad.stderr == "skat: \(projectFile.path): unknown key 'agent.modle'\n")
        let badDoctor = try await sandbox.run(["doctor"])
        #expect(badDoctor.status == 1)
        #expect(!badDoctor.stdout.contains("config valid"))
        #expect(badDoctor.stdout.contains("FAIL config: \(projectFile.path): unknown key 'agent.modle'"))
    }

    // MARK: 2 and 11. Sessions follow the project; discovery has a ceiling

    @Test func resumeFromASubfolderContinuesTheProjectSession() async throws {
        let server = try await mock()
        defer { Task { await server.stop() } }
        let sandbox = try SkatSandbox(mockBaseURL: server.baseURL)
        let first = try json(try await sandbox.run(["-m", "gpt-5.4", "-o", "json", "first"]))
        let source = sandbox.project.appendingPathComponent("src/module")
        try FileManager.default.createDirectory(at: source, withIntermediateDirectories: true)
        let second = try await sandbox.run(["--resume", "-o", "json", "second"], in: source)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(try json(second)["session_id"] == first["session_id"])
        // One realm for the whole project, none in the subfolder.
        let realmFolders = try FileManager.default.contentsOfDirectory(atPath: realms(sandbox).path)
        #expect(realmFolders.count == 1)
        #expect(!FileManager.default.fileExists(atPath: source.appendingPathComponent(".skat").path))
    }

    @Test func aProjectAboveTheCeilingDoesNotCaptureTheRealm() async throws {
        let server = try await mock()
        defer { Task { await server.stop() } }
        let sandbox = try SkatSandbox(mockBaseURL: server.baseURL)
        let inner = sandbox.project.appendingPathComponent("vendor/lib")
        try FileManager.default.createDirectory(at: inner, withIntermediateDirectories: true)
        let run = try await sandbox.run(
            ["-m", "gpt-5.4", "-o", "json", "hi"], in: inner,
            environment: ["SKAT_CEILING_DIRECTORIES": sandbox.project.appendingPathComponent("vendor").path])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(FileManager.default.fileExists(atPath: inner.appendingPathComponent(".skat/realms").path))
        #expect(!FileManager.default.fileExists(atPath: realms(sandbox).path))
    }

    // MARK: 3 and 13. Nothing is created by reading, failing early or the memory backend

    @Test func readOnlyCommandsAndEarlyFailuresCreateNoRealm() async throws {
        let server = try await mock()
        defer { Task { await server.stop() } }
        let sandbox = try SkatSandbox(mockBaseURL: server.baseURL)
        let loose = sandbox.root.appendingPathComponent("loose")
        try FileManager.default.createDirectory(at: loose, withIntermediateDirectories: true)
        for arguments in [["models"], ["doctor"], ["--help"], ["config", "get"], ["config", "get", "--effective"]] {
            let result = try await sandbox.run(arguments)
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
            _ = try await sandbox.run(arguments, in: loose)
        }
        #expect(!FileManager.default.fileExists(atPath: realms(sandbox).path))
        #expect(!FileManager.default.fileExists(atPath: loose.appendingPathComponent(".skat").path))
        let doctor = try await sandbox.run(["doctor"])
        #expect(doctor.stdout.contains("not created yet"))

        let unknown = try await sandbox.run(["run", "-m", "gpt-5.5-turbo", "hi"])
        #expect(unknown.status == 1)
        let empty = try await sandbox.run(["run", "-m", "gpt-5.4"], stdin: "")
        #expect(empty.status == 64 && empty.stderr == "skat: nothing to run: give a prompt or pipe input\n")
        let refused = try await sandbox.run(
            ["run", "-m", "gpt-5.4", "hi"], environment: ["OPENAI_BASE_URL": "http://127.0.0.1:9/v1"])
        #expect(refused.status == 1)
        #expect(!FileManager.default.fileExists(atPath: realms(sandbox).path))
        #expect(!FileManager.default.fileExists(atPath: loose.appendingPathComponent(".skat").path))
        #expect(server.requests.isEmpty)

        // In an existing realm, a failed first run of a new session leaves no empty session behind.
        let ok = try json(try await sandbox.run(["run", "-m", "gpt-5.4", "-o", "json", "kept"]))
        _ = try await sandbox.run(
            ["run", "-m", "gpt-5.4", "dropped"], environment: ["OPENAI_BASE_URL": "http://127.0.0.1:9/v1"])
        let list = try JSONValue.parse(try await sandbox.run(["session", "list", "-o", "json"]).stdout)
        #expect(list.arrayValue?.compactMap { $0["session_id"] ?? $0["id"] } == [ok["session_id"] ?? .null])
    }

    @Test func theMemoryBackendNeitherCreatesNorChecksARealm() async throws {
        let server = try await mock()
        defer { Task { await server.stop() } }
        let sandbox = try SkatSandbox(mockBaseURL: server.baseURL)
        let memory = try await sandbox.run(["run", "--realm-backend", "memory", "-m", "gpt-5.4", "-o", "json", "hi"])
        #expect(memory.status == 0, "\(memory.stderr)")
        #expect(try json(memory)["text"] == "echo: hi")
        #expect(!FileManager.default.fileExists(atPath: realms(sandbox).path))
        // Next to a SQLite realm of the same id, the memory backend still works and leaves it alone.
        _ = try await sandbox.run(["run", "-m", "gpt-5.4", "on disk"])
        let again = try await sandbox.run(["run", "--realm-backend", "memory", "-m", "gpt-5.4", "-o", "json", "hi"])
        #expect(again.status == 0, "\(again.stderr)")
        let list = try JSONValue.parse(try await sandbox.run(["session", "list", "-o", "json"]).stdout)
        #expect(list.arrayValue?.count == 1)
    }

    // MARK: 12. --resume <id>

    @Test func resumeWithASpaceSeparatedSelectorResumesThatSession() async throws {
        let server = try await mock()
        defer { Task { await server.stop() } }
        let sandbox = try SkatSandbox(mockBaseURL: server.baseURL)
        let a = try #require(
            try json(try await sandbox.run(["-m", "gpt-5.4", "-o", "json", "one"]))["session_id"]?.stringValue)
        let b = try #require(
            try json(try await sandbox.run(["-m", "gpt-5.4", "-o", "json", "two"]))["session_id"]?.stringValue)
        let byID = try json(try await sandbox.run(["run", "--resume", a, "-o", "json", "second"]))
        #expect(byID["session_id"]?.stringValue == a && byID["text"] == "echo: second")
        let byPrefix = try json(try await sandbox.run(["--resume", String(a.prefix(13)), "-o", "json", "third"]))
        #expect(byPrefix["session_id"]?.stringValue == a && byPrefix["text"] == "echo: third")
        // `a` is now the most recent session.
        let byLast = try json(try await sandbox.run(["--resume", "last", "-o", "json", "fourth"]))
        #expect(byLast["session_id"]?.stringValue == a && byLast["text"] == "echo: fourth")
        let prompt = try json(try await sandbox.run(["--resume", "hello", "-o", "json", "world"]))
        #expect(prompt["session_id"]?.stringValue == a && prompt["text"] == "echo: hello world")
        _ = b
        // An id that names no session is an error, never a prompt for another session.
        let requests = server.requests.count
        let unknown = try await sandbox.run(["run", "--resume", "0123abcd-0000-7000-8000-000000000000", "x"])
        #expect(unknown.status == 1)
        #expect(unknown.stderr == "skat: no session matches '0123abcd-0000-7000-8000-000000000000'\n")
        #expect(server.requests.count == requests)
    }

    // MARK: 5 and 14. Errors a person can act on

    @Test func anUnreachableProviderFailsFastWithTheURL() async throws {
        let server = try await mock()
        defer { Task { await server.stop() } }
        let sandbox = try SkatSandbox(mockBaseURL: server.baseURL)
        let clock = ContinuousClock()
        let start = clock.now
        let result = try await sandbox.run(
            ["run", "-m", "gpt-5.4", "hi"], environment: ["OPENAI_BASE_URL": "http://127.0.0.1:9/v1"])
        let elapsed = clock.now - start
        #expect(result.status == 1)
        #expect(result.stderr.contains("cannot connect to http://127.0.0.1:9 (connection refused)"), "\(result.stderr)")
        let errorLines = result.stderr.split(separator: "\n").filter { $0.hasPrefix("skat:") }
        #expect(errorLines.count == 1)
        #expect(result.stderr.contains("(1/1)"))  // one retry at most
        #expect(result.stderr.filter { $0 == "(" }.count == result.stderr.filter { $0 == ")" }.count)
        #expect(elapsed < .milliseconds(1500), "took \(elapsed)")
    }

    @Test func unknownModelsNameTheNearestCatalogEntries() async throws {
        let server = try await mock()
        defer { Task { await server.stop() } }
        let sandbox = try SkatSandbox(mockBaseURL: server.baseURL)
        let unknown = try await sandbox.run(["run", "-m", "gpt-5.7", "hi"])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.hasPrefix("skat: unknown model 'gpt-5.7'; nearest: gpt-5.4, gpt-5.5, gpt-5.6"))
        #expect(!unknown.stderr.contains("name a provider"))
        _ = try await sandbox.run(["run", "-m", "gpt-5.4", "first"])
        let resumed = try await sandbox.run(["run", "--resume", "-m", "no-such-model", "again"])
        #expect(resumed.status == 1)
        #expect(resumed.stderr.hasPrefix("skat: unknown model 'no-such-model'"))
        #expect(server.requests.count == 1)
    }

    @Test func aRequestTheServerCallsInvalidIsNotRetriedAndItsTracebackIsCut() async throws {
        let server = try await mock()
        defer { Task { await server.stop() } }
        let body = #"""
            {"error": {"message": "1 validation error for CreateChatCompletionRequest\nresponse_format\n  Input should be 'json_object'\nTraceback (most recent call last):\n  File \"app.py\", line 1", "type": "internal_server_error"}}
            """#
        server.enqueue(.raw(.json(body, status: 500)), .raw(.json(body, status: 500)))
        let sandbox = try SkatSandbox(mockBaseURL: server.baseURL)
        let result = try await sandbox.run(["run", "-m", "gpt-5.4", "-o", "json", "hi"])
        #expect(result.status == 1)
        let error = try #require(try json(result)["error"]?.stringValue)
        // Not retried: the agent reports one failed call, not "failed after N attempts".
        #expect(error.hasPrefix("model call failed: invalid_request: "), "\(error)")
        #expect(error.contains("1 validation error for CreateChatCompletionRequest"))
        #expect(!error.contains("\n") && !error.contains("Traceback"))
    }

    // MARK: 4. Exit codes

    @Test func everyTerminalOutcomeHasItsDocumentedExitCode() async throws {
        let server = try await mock()
        defer { Task { await server.stop() } }
        let sandbox = try SkatSandbox(mockBaseURL: server.baseURL)
        // completed → 0
        #expect(try await sandbox.run(["run", "-m", "gpt-5.4", "hi"]).status == 0)
        // budget exhausted → 2
        let budget = try await sandbox.run([
            "run", "-m", "gpt-5.4", "-t", "safe", "--max-tool-calls", "0", "-o", "json", "call tool list_dir {}",
        ])
        #expect(budget.status == 2)
        // structured output still invalid after its retries → 3
        server.enqueue(.text("no json"), .text("still no json"), .text("not json either"), .text("nope"))
        let schema = #"{"type":"object","properties":{"answer":{"type":"string"}},"required":["answer"]}"#
        let invalid = try await sandbox.run(["run", "-m", "gpt-5.4", "-o", "json", "--schema", schema, "what?"])
        #expect(invalid.status == 3, "\(invalid.stdout)\(invalid.stderr)")
        #expect(try json(invalid)["extraction_error"] != nil)
        let invalidText = try await sandbox.run(["run", "-m", "gpt-5.4", "--schema", schema, "what?"])
        #expect(invalidText.status == 3)
        #expect(invalidText.stderr.contains("structured output failed after"))
        // provider error → 1
        server.enqueue(.raw(.json(#"{"error":{"message":"bad key","type":"invalid_api_key"}}"#, status: 401)))
        let provider = try await sandbox.run(["run", "-m", "gpt-5.4", "-o", "json", "hi"])
        #expect(provider.status == 1)
        #expect(try json(provider)["status"] == "abandoned_with_error")
        // usage → 64 (cancelled → 130 is covered by CLITests.sigintInterruptsTheRunAndLeavesAConsistentSession)
        #expect(try await sandbox.run(["run", "--tools", "bogus", "x"]).status == 64)
    }
}
