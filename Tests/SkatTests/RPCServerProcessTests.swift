import Foundation
import MeerkatCore
import MeerkatTesting
import MeerkatTools
import Testing

/// `skat rpc` on stdio and `skat mcp-server` as real subprocesses against the mock provider.
@Suite("skat rpc and mcp-server processes", .serialized)
struct RPCServerProcessTests {
    private func mock() async throws -> MockProviderServer {
        let server = MockProviderServer()
        try await server.start()
        return server
    }

    /// Waits until stdout holds `count` complete lines (the process answers each request with one line).
    private func lines(_ running: SkatRunning, count: Int) async -> [JSONValue] {
        let text = await running.waitForStdout { $0.filter { $0 == "\n" }.count >= count }
        return text.split(separator: "\n").compactMap { try? JSONValue.parse(String($0)) }
    }

    @Test func stdioServesRequestsUntilEndOfInput() async throws {
        let server = try await mock()
        defer { Task { await server.stop() } }
        let sandbox = try SkatSandbox(mockBaseURL: server.baseURL)
        let requests = [
            #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}"#,
            // A batch runs its elements in order: the list sees the session the create made.
            #"[{"jsonrpc":"2.0","id":2,"method":"session/create","params":{"intent":{"model":"gpt-5.4"},"prompt":"hi over stdio","wait":true}},"#
                + #"{"jsonrpc":"2.0","id":3,"method":"session/list"}]"#,
            #"{"jsonrpc":"2.0","id":4,"method":"nope"}"#,
            "not json",
        ]
        let result = try await sandbox.run(
            ["rpc", "--realm-backend", "sqlite"], stdin: requests.joined(separator: "\n") + "\n")
        #expect(result.status == 0, "\(result.stderr)")
        var answers = result.jsonLines
        let batch = result.stdout.split(separator: "\n").compactMap { try? JSONValue.parse(String($0)).arrayValue }
        #expect(batch.count == 1)
        answers += (batch.first ?? []).compactMap(\.objectValue)
        #expect(answers.count == 5, "\(result.stdout)")
        func answer(_ id: Int) -> [String: JSONValue]? { answers.first { $0["id"] == .number(Double(id)) } }
        #expect(answer(1)?["result"]?["protocol_version"] == "meerkat-rpc/1")
        #expect(answer(2)?["result"]?["input"]?["completion"]?["result"]?["text"] == "echo: hi over stdio")
        #expect(answer(3)?["result"]?["sessions"]?.arrayValue?.count == 1)
        #expect(answer(4)?["error"]?["code"] == -32601)
        #expect(answers.contains { $0["id"] == .null && $0["error"]?["code"] == -32700 })
    }

    @Test func tcpListenPrintsTheBoundAddressAndRefusesNonLoopbackWithoutAToken() async throws {
        let server = try await mock()
        defer { Task { await server.stop() } }
        let sandbox = try SkatSandbox(mockBaseURL: server.baseURL)
        let refused = try await sandbox.run(["rpc", "--listen", "0.0.0.0:0"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("requires --auth-token-file or SKAT_AUTH_TOKEN"))
        let running = try sandbox.start(["rpc", "--listen", "127.0.0.1:0", "--realm-backend", "memory"])
        let first = await lines(running, count: 1).first
        let address = try #require(first?["listening"]?.stringValue)
        #expect(address.hasPrefix("127.0.0.1:") && !address.hasSuffix(":0"))
        running.interrupt()
        _ = await running.finish()
    }

    @Test func mcpServerAnswersTheProjectsOwnMCPClient() async throws {
        let server = try await mock()
        defer { Task { await server.stop() } }
        let sandbox = try SkatSandbox(mockBaseURL: server.baseURL)
        let script = "cd '\(sandbox.project.path)' && exec '\(SkatBinary.url.path)' mcp-server --realm-backend sqlite"
        let client = try await MCPClient.connect(
            .stdio("meerkat", command: "/bin/sh", args: ["-c", script], env: sandbox.environment))
        defer { Task { await client.close() } }
        #expect(await client.negotiatedVersion == MCPClient.protocolVersion)
        let names = Set(await client.tools.map(\.name))
        #expect(
            names == [
                "meerkat_run", "meerkat_resume", "meerkat_sessions", "meerkat_read", "meerkat_history",
                "meerkat_interrupt", "meerkat_input_status",
            ])
        func json(_ output: ToolOutput) throws -> JSONValue {
            guard case .text(let text) = output.content.first else { throw SkatTestFailure("no text content") }
            return try JSONValue.parse(text)
        }
        let run = try json(
            try await client.callTool("meerkat_run", arguments: ["prompt": "from mcp", "model": "gpt-5.4"]))
        #expect(run["completion_type"] == "completed")
        #expect(run["text"] == "echo: from mcp")
        let session = try #require(run["session_id"]?.stringValue)
        let resumed = try json(
            try await client.callTool("meerkat_resume", arguments: ["session_id": .string(session), "prompt": "again"]))
        #expect(resumed["text"] == "echo: again")
        let sessions = try json(try await client.callTool("meerkat_sessions", arguments: [:]))
        #expect(sessions["sessions"]?.arrayValue?.count == 1)
        let read = try json(try await client.callTool("meerkat_read", arguments: ["session_id": .string(session)]))
        #expect(read["session"]?["id"]?.stringValue == session)
        let history = try json(
            try await client.callTool("meerkat_history", arguments: ["session_id": .string(session)]))
        #expect(history["messages"]?.arrayValue?.filter { $0["role"] == "user" }.count == 2)
        let status = try json(
            try await client.callTool(
                "meerkat_input_status",
                arguments: ["session_id": .string(session), "input_id": resumed["input_id"] ?? .null]))
        #expect(status["state"]?["input_id"] == resumed["input_id"])
        let interrupted = try json(
            try await client.callTool("meerkat_interrupt", arguments: ["session_id": .string(session)]))
        #expect(interrupted["result"] == "interrupted")
        let missing = try await client.callTool("meerkat_read", arguments: ["session_id": "ffffffff"])
        #expect(missing.isError)
        #expect(try json(missing)["error"]?["code"] == "session_not_found")
    }
}
