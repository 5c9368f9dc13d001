import Foundation
import MeerkatCore
import Testing

@testable import MeerkatTools

/// The client against the test server as a real process over stdio and over streamable HTTP.
@Suite struct MCPClientTests {
    @Test func stdioHandshakeListsEveryPage() async throws {
        try await withClient(MCPTestServer.stdio("local", ["--page-size", "1", "--name", "t1"])) { client in
            #expect(await client.tools.map(\.name) == ["echo", "fail", "image", "crash"])
            #expect(await client.serverInfo["name"] == "t1")
            #expect(await client.negotiatedVersion == MCPClient.protocolVersion)
            let echo = try #require(await client.tools.first)
            #expect(echo.inputSchema["required"] == ["text"])
        }
    }

    @Test func stdioCallsMapContentAndErrors() async throws {
        try await withClient(MCPTestServer.stdio("local")) { client in
            try await callsMapContentAndErrors(client)
        }
    }

    @Test func httpCallsMapContentAndErrors() async throws {
        let server = try await HTTPTestServerProcess()
        try await withClient(.http("remote", url: server.url, headers: ["X-Test": "1"])) { client in
            try await callsMapContentAndErrors(client)
        }
        await server.stop()
    }

    private func callsMapContentAndErrors(_ client: MCPClient) async throws {
        let echoed = try await client.callTool("echo", arguments: ["text": "hello"])
        #expect(echoed == ToolOutput(content: [.text("hello")]))
        let failed = try await client.callTool("fail", arguments: [:])
        #expect(failed.isError && failed.content == [.text("failure requested")])
        let image = try await client.callTool("image", arguments: [:])
        #expect(
            image.content == [
                .text("a 1x1 PNG"), .image(mediaType: "image/png", source: .inline(data: TestServerPNG.base64)),
            ])
        #expect(!image.isError)
        await #expect(throws: MCPClientError.self) { try await client.callTool("missing", arguments: [:]) }
    }

    @Test func stdioServerCrashFailsTheCallInFlight() async throws {
        try await withClient(MCPTestServer.stdio("local")) { client in
            do {
                _ = try await client.callTool("crash", arguments: [:])
                Issue.record("a crashed server must not answer")
            } catch MCPClientError.connectionClosed(let reason) {
                #expect(reason.contains("exited with status 3"), "\(reason)")
                #expect(reason.contains("crashing on request"), "\(reason)")
            }
            let reason = await client.waitUntilClosed()
            #expect(reason.contains("exited with status 3"))
            await #expect(throws: MCPClientError.self) { try await client.callTool("echo", arguments: ["text": "x"]) }
        }
    }

    @Test func connectTimeoutIsHonoured() async throws {
        let started = ContinuousClock.now
        let marker = "slow-\(UUID().uuidString)"
        await #expect(throws: MCPClientError.connectTimeout(server: "slow", seconds: 0.3)) {
            _ = try await MCPClient.connect(
                MCPTestServer.stdio("slow", ["--hang-initialize", "--name", marker], timeout: 0.3))
        }
        #expect(ContinuousClock.now - started < .seconds(10))
        // The server process was terminated and reaped before `connect` threw.
        #expect(liveProcesses(withArgument: marker).isEmpty)
        let http = try await HTTPTestServerProcess(arguments: ["--hang-initialize"])
        await #expect(throws: MCPClientError.connectTimeout(server: "slow-http", seconds: 0.3)) {
            _ = try await MCPClient.connect(.http("slow-http", url: http.url, connectTimeoutSeconds: 0.3))
        }
        await http.stop()
    }

    @Test func cancelledCallReturnsAtOnceAndKeepsTheConnection() async throws {
        let marker = "cancel-\(UUID().uuidString)"
        try await withClient(MCPTestServer.stdio("local", ["--tools", "echo,hang", "--name", marker])) { client in
            try await cancelHangingCall(client)
        }
        #expect(liveProcesses(withArgument: marker).isEmpty)
        let server = try await HTTPTestServerProcess(arguments: ["--tools", "echo,hang"])
        try await withClient(.http("remote", url: server.url)) { client in
            try await cancelHangingCall(client)
        }
        await server.stop()
    }

    private func cancelHangingCall(_ client: MCPClient) async throws {
        let call = Task { try await client.callTool("hang", arguments: [:]) }
        call.cancel()
        await #expect(throws: CancellationError.self) { try await call.value }
        #expect(try await client.callTool("echo", arguments: ["text": "still here"]) == .text("still here"))
    }

    @Test func launchFailuresAreReported() async {
        await #expect(throws: MCPClientError.self) {
            _ = try await MCPClient.connect(.stdio("ghost", command: "meerkat-no-such-command-\(UUID().uuidString)"))
        }
        // A process that exits at once fails the handshake instead of hanging.
        await #expect(throws: MCPClientError.self) {
            _ = try await MCPClient.connect(.stdio("quitter", command: "true"))
        }
        await #expect(throws: MCPClientError.self) {
            _ = try await MCPClient.connect(.http("bad-url", url: "ftp://example.test"))
        }
    }

    @Test func httpServerCrashFailsTheCallInFlight() async throws {
        let server = try await HTTPTestServerProcess(arguments: ["--page-size", "3"])
        try await withClient(.http("remote", url: server.url)) { client in
            #expect(await client.tools.map(\.name) == ["echo", "fail", "image", "crash"])
            await #expect(throws: MCPClientError.self) { try await client.callTool("crash", arguments: [:]) }
            let reason = await client.waitUntilClosed()
            #expect(!reason.isEmpty)
        }
        await server.exited()
    }

    @Test func eventStreamDecoderHandlesSplitsAndLineEndings() {
        var decoder = MCPEventStreamDecoder()
        var events: [String] = []
        let text =
            ": comment\n\nevent: message\ndata: {\"a\":\r\ndata: 1}\r\n\r\nevent: other\ndata: skip\n\ndata: last"
        for byte in Array(text.utf8) { events += decoder.feed([byte]) }
        events += decoder.finish()
        #expect(events == ["{\"a\":\n1}", "last"])
    }

    @Test func contentMapperCoversOtherContent() {
        let output = MCPContentMapper.output(
            from: [
                "content": [
                    ["type": "resource", "resource": ["uri": "file:///a", "text": "body"]],
                    ["type": "resource", "resource": ["uri": "file:///b", "mimeType": "image/png", "blob": "AA=="]],
                    ["type": "resource_link", "uri": "file:///c", "name": "c"],
                    ["type": "audio", "data": "AA==", "mimeType": "audio/wav"],
                ],
                "isError": true,
            ])
        #expect(output.isError)
        #expect(
            output.content == [
                .text("body"), .text("[resource file:///b (image/png)]"), .text("[resource link c: file:///c]"),
                .text("[audio audio/wav omitted]"),
            ])
        #expect(
            MCPContentMapper.output(from: ["content": [], "structuredContent": ["n": 1]]).content == [
                .text("{\"n\":1}")
            ])
    }
}

/// The PNG the test server's `image` tool returns.
enum TestServerPNG {
    static let base64 =
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
}
