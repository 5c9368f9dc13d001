import Foundation
import MeerkatCore
import MeerkatService
import Testing

@Suite("Session titles and transcript export")
struct SessionSummaryTests {
    private let now = Date(timeIntervalSince1970: 1_700_000_000)

    @Test func defaultTitleIsTheFirstLineOfTheFirstPrompt() {
        let messages: [Message] = [
            .system(content: "You are helpful.", createdAt: now),
            .user(content: [.text("context")], transcriptRole: .injectedContext, createdAt: now),
            .user(
                content: [.text("\n  Fix the login bug  \nwith details")], transcriptRole: .conversational,
                createdAt: now),
            .user(content: [.text("later")], transcriptRole: .conversational, createdAt: now),
        ]
        #expect(SessionSummary.defaultTitle(messages) == "Fix the login bug")
        #expect(SessionSummary.defaultTitle([]) == nil)
        let long = String(repeating: "x", count: 200)
        let capped = SessionSummary.defaultTitle([
            .user(content: [.text(long)], transcriptRole: .conversational, createdAt: now)
        ])
        #expect(capped?.count == SessionSummary.maxDefaultTitle && capped?.hasSuffix("…") == true)
    }

    @Test func markdownExportFencesToolTextSafely() throws {
        let session = Session(
            messages: [
                .user(content: [.text("Run it")], transcriptRole: .conversational, createdAt: now),
                .assistant(
                    blocks: [.toolUse(ToolCall(id: "c1", name: "shell", args: ["command": "ls"]))],
                    stopReason: .toolUse,
                    createdAt: now),
                .toolResults(results: [ToolResult(toolUseID: "c1", content: [.text("a ``` b")])], createdAt: now),
                .assistant(blocks: [.text(text: "Done.", meta: nil)], stopReason: .endTurn, createdAt: now),
            ], usage: .unreported(estimated: 12), createdAt: now)
        let markdown = try TranscriptExport.render(session, title: "Demo", format: .markdown)
        #expect(markdown.hasPrefix("# Demo\n\nsession `\(session.id)`"))
        #expect(markdown.contains("tokens unknown (~12 estimated; the server reported none)"))
        #expect(markdown.contains("**Tool call** `shell` (`c1`)\n\n```json\n{\"command\":\"ls\"}\n```"))
        #expect(markdown.contains("````\na ``` b\n````"))
        #expect(markdown.hasSuffix("## Assistant\n\nDone.\n"))
        let json = try JSONValue.parse(try TranscriptExport.render(session, title: "Demo", format: .json))
        #expect(json["usage"] == ["input_tokens": nil, "output_tokens": nil, "estimated_tokens": 12])
        #expect(json["messages"]?.arrayValue?.count == 4)
    }
}
