import Foundation
import MeerkatCore
import MeerkatServer
import Testing

/// Executes the examples of docs/mcp-server.md against the MCP server's handler on a live socket (the handler is
/// transport-independent; the stdio process itself is tested in SkatTests with the project's MCP client).
@Suite("docs/mcp-server.md examples", .serialized)
struct MCPDocumentationTests {
    static let document = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("docs/mcp-server.md")

    @Test func everyExampleAnswersAsDocumented() async throws {
        let text = try String(contentsOf: Self.document, encoding: .utf8)
        let blocks = try DocExamples.blocks(in: text, tag: "mcp-example")
        #expect(blocks.count == 1)
        let base = try await RPCTestServer.start()
        let mcp = MCPServer(service: base.service)
        let listener = try await RPCTCPListener.start(
            host: "127.0.0.1", port: 0, maxLineBytes: 1 << 20, protocol: mcp.lineProtocol)
        let client = try await RPCTestClient.connect(port: listener.port)
        // Lines without an answer (notifications) are sent too.
        for line in text.split(separator: "\n") where line.hasPrefix("--> ") && line.contains("\"notifications/") {
            await client.sendLine(String(line.dropFirst(4)))
        }
        var exchanges = 0
        for (request, expected) in blocks.flatMap({ $0 }) {
            await client.sendLine(request)
            let actual = try #require(await client.nextUnsolicited())
            let mismatch = DocExamples.mismatch(try JSONValue.parse(expected), actual, path: "$")
            #expect(mismatch == nil, "\(request)\n→ \(actual.compactText())\n\(mismatch ?? "")")
            exchanges += 1
        }
        #expect(exchanges == 7)
        let listed = try await client.result("tools/list")
        #expect(listed["tools"]?.arrayValue?.count == 7)
        for tool in listed["tools"]?.arrayValue ?? [] {
            #expect(tool["inputSchema"]?["type"] == "object")
        }
        await client.close()
        await listener.stop()
        await base.stop()
    }
}
