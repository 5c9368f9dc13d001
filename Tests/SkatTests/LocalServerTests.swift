import Foundation
import MeerkatCore
import MeerkatTesting
import Testing

/// End-to-end: `skat` against a keyless OpenAI-compatible server (the mock speaking Chat Completions), the two
/// documented ways (README "Use a local server"): `--base-url` and a `[self_hosted]` config.
@Suite("skat with a local server", .serialized)
struct LocalServerTests {
    private func mock(_ configuration: MockProviderServer.Configuration) async throws -> MockProviderServer {
        let server = MockProviderServer(configuration: configuration)
        try await server.start()
        return server
    }

    /// A sandbox without any provider key.
    private func keylessSandbox(_ server: MockProviderServer) throws -> SkatSandbox {
        try SkatSandbox(mockBaseURL: server.baseURL, extraEnvironment: ["OPENAI_API_KEY": ""])
    }

    @Test func baseURLRunsAModelOnAKeylessServerAndResumeKeepsIt() async throws {
        let server = try await mock(.init(requireAuth: false))
        defer { Task { await server.stop() } }
        let sandbox = try keylessSandbox(server)
        // The README's command, with the mock's port.
        let result = try await sandbox.run([
            "-p", "self_hosted", "--base-url", "\(server.baseURL)/v1", "-m", "llama3.2", "Say hello",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "echo: Say hello\n")
        let request = try #require(server.requests.first)
        #expect(request.path == "/v1/chat/completions")
        #expect(request.json?["model"] == "llama3.2")
        #expect(request.header("authorization") == nil)
        // The server is part of the session: resuming needs no flag.
        let again = try await sandbox.run(["--resume", "and again"])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout == "echo: and again\n")
        #expect(server.requests.count == 2 && server.requests[1].path == "/v1/chat/completions")
        let bad = try await sandbox.run(["-p", "self_hosted", "--base-url", "localhost:11434", "-m", "x", "hi"])
        #expect(bad.status == 1 && bad.stderr.contains("base_url: must be an http(s) URL"))
        let noModel = try await sandbox.run(["-p", "self_hosted", "--base-url", "\(server.baseURL)/v1", "hi"])
        #expect(noModel.status == 1 && noModel.stderr.contains("base_url: needs a model name the server knows (-m)"))
    }

    @Test func selfHostedConfigNamesTheServerOnce() async throws {
        let server = try await mock(.init(requireAuth: false))
        defer { Task { await server.stop() } }
        let sandbox = try keylessSandbox(server)
        // The README's config, with the mock's port.
        let config = """
            [self_hosted.servers.local]
            base_url = "\(server.baseURL)/v1"

            [self_hosted.models.llama]
            server = "local"
            remote_model = "llama3.2"
            """
        let set = try await sandbox.run(["config", "set"], stdin: config)
        #expect(set.status == 0, "\(set.stderr)")
        let result = try await sandbox.run(["-m", "llama", "Say hello"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "echo: Say hello\n")
        #expect(server.requests.first?.json?["model"] == "llama3.2")
        let models = try await sandbox.run(["models"])
        #expect(models.stdout.contains("llama"))
    }

    @Test func schemaOnALlamaCppPythonLikeServerFallsBackAndUsageIsUnknown() async throws {
        let server = try await mock(.llamaCppPython)
        defer { Task { await server.stop() } }
        server.enqueue(.text("The answer is 42."), .text(#"{"answer": "42"}"#))
        let sandbox = try keylessSandbox(server)
        let schema = #"{"type":"object","properties":{"answer":{"type":"string"}},"required":["answer"]}"#
        let result = try await sandbox.run([
            "-p", "self_hosted", "--base-url", "\(server.baseURL)/v1", "-m", "smollm", "-o", "json", "--schema", schema,
            "what is it?",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let output = try #require(result.jsonLines.first)
        #expect(output["structured_output"] == ["answer": "42"])
        // The refused json_schema request was answered at once in json_object mode: no retries, no traceback.
        #expect(
            server.requests.map { $0.json?["response_format"]?["type"] } == [nil, "json_schema", "json_object"])
        #expect(!result.stderr.contains("validation error"))
        // The server reported no usage: unknown, with an estimate.
        let usage = try #require(output["usage"])
        #expect(usage["input_tokens"] == .null && usage["output_tokens"] == .null)
        #expect((usage["estimated_tokens"]?.intValue ?? 0) > 0)
    }

    @Test func promptOnlyModeSendsNoResponseFormat() async throws {
        let server = try await mock(.init(requireAuth: false, chatStreamsUsage: false))
        defer { Task { await server.stop() } }
        server.enqueue(.text("Thinking."), .text(#"{"answer": "7"}"#))
        let sandbox = try keylessSandbox(server)
        let config = """
            [self_hosted.servers.local]
            base_url = "\(server.baseURL)/v1"

            [self_hosted.models.tiny]
            server = "local"
            structured_output = "prompt_only"
            """
        #expect(try await sandbox.run(["config", "set"], stdin: config).status == 0)
        let schema = #"{"type":"object","properties":{"answer":{"type":"string"}},"required":["answer"]}"#
        let result = try await sandbox.run(["-m", "tiny", "--schema", schema, "what is it?"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains(#"{"answer":"7"}"#))
        #expect(server.requests.count == 2)
        #expect(server.requests.allSatisfy { $0.json?["response_format"] == nil })
        // The schema travels in the prompt instead.
        #expect(server.requests[1].bodyText.contains("answer"))
        let wrong = try await sandbox.run(
            ["config", "patch"], stdin: #"{"self_hosted": {"models": {"tiny": {"structured_output": "grammar"}}}}"#)
        #expect(wrong.status == 1 && wrong.stderr.contains("structured_output"))
    }
}
