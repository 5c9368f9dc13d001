import Foundation
import MeerkatCore
import MeerkatTesting
import Testing

/// End-to-end: session titles, archive/unarchive, export, and colour rules.
@Suite("skat session housekeeping", .serialized)
struct SessionHousekeepingTests {
    private func mock() async throws -> MockProviderServer {
        let server = MockProviderServer()
        try await server.start()
        return server
    }

    private func list(_ sandbox: SkatSandbox, _ extra: [String] = []) async throws -> [JSONValue] {
        let result = try await sandbox.run(["session", "list", "-o", "json"] + extra)
        return try JSONValue.parse(result.stdout).arrayValue ?? []
    }

    @Test func titlesArchiveAndExport() async throws {
        let server = try await mock()
        defer { Task { await server.stop() } }
        let sandbox = try SkatSandbox(mockBaseURL: server.baseURL)
        let run = try await sandbox.run([
            "run", "-m", "gpt-5.4", "-t", "safe", "-q",
            "Check the notes\nthen " + #"call tool read_file {"path": "notes.txt"}"#,
        ])
        #expect(run.status == 0, "\(run.stderr)")
        var sessions = try await list(sandbox)
        let session = try #require(sessions.first)
        let id = try #require(session["id"]?.stringValue)
        #expect(session["title"] == "Check the notes")
        #expect(session["model"] == "gpt-5.4")
        #expect(session["last_activity"]?.stringValue != nil)
        let text = try await sandbox.run(["session", "list"])
        #expect(text.stdout.contains("gpt-5.4  Check the notes"))

        let renamed = try await sandbox.run(["session", "rename", "last", "Notes", "review"])
        #expect(renamed.status == 0 && renamed.stdout == "\(id)  Notes review\n", "\(renamed.stderr)")
        #expect(try await list(sandbox).first?["title"] == "Notes review")

        #expect(try await sandbox.run(["session", "archive", id]).stdout == "archived \(id)\n")
        #expect(try await list(sandbox).isEmpty)
        sessions = try await list(sandbox, ["--all"])
        #expect(sessions.first?["archived"] == true)
        #expect(try await sandbox.run(["session", "unarchive", String(id.prefix(13))]).stdout == "unarchived \(id)\n")
        #expect(try await list(sandbox).first?["archived"] == false)

        let json = try JSONValue.parse(try await sandbox.run(["session", "export", id, "-f", "json"]).stdout)
        #expect(json["session_id"]?.stringValue == id && json["title"] == "Notes review")
        #expect((json["messages"]?.arrayValue?.count ?? 0) >= 5)
        #expect(json["usage"]?["input_tokens"] == 20)
        let markdown = try await sandbox.run(["session", "export", id])
        #expect(markdown.stdout.hasPrefix("# Notes review\n"))
        #expect(markdown.stdout.contains("## User\n\nCheck the notes\nthen call tool read_file"))
        #expect(markdown.stdout.contains("**Tool call** `read_file`"))
        #expect(markdown.stdout.contains("hello from the project"))
        let file = sandbox.root.appendingPathComponent("transcript.md")
        let written = try await sandbox.run(["session", "export", id, "--out", file.path])
        #expect(written.status == 0)
        #expect(try String(contentsOf: file, encoding: .utf8) == markdown.stdout)

        let bad = try await sandbox.run(["session", "rename", id, "two\nlines"])
        #expect(bad.status == 1 && bad.stderr == "skat: title: must be one line\n")
        let cleared = try await sandbox.run(["session", "rename", id])
        #expect(cleared.stdout == "\(id)  Check the notes\n")
    }

    @Test func colourOnlyWhenAllowed() async throws {
        let server = try await mock()
        defer { Task { await server.stop() } }
        let prompt = #"call tool read_file {"path": "notes.txt"}"#
        let plain = try SkatSandbox(mockBaseURL: server.baseURL)
        let noTTY = try await plain.run(["run", "-m", "gpt-5.4", "-q", prompt])
        #expect(noTTY.status == 0 && noTTY.stderr == "→ read_file {\"path\":\"notes.txt\"}\n")
        let forced = try SkatSandbox(mockBaseURL: server.baseURL, extraEnvironment: ["CLICOLOR_FORCE": "1"])
        let coloured = try await forced.run(["run", "-m", "gpt-5.4", "-q", prompt])
        #expect(coloured.stderr.contains("\u{1B}[36m→ read_file\u{1B}[0m"))
        let error = try await forced.run(["session", "show", "nope-nope"])
        #expect(error.stderr == "\u{1B}[31mskat: no session matches 'nope-nope'\u{1B}[0m\n")
        #expect(!coloured.stdout.contains("\u{1B}"))
        let refused = try SkatSandbox(
            mockBaseURL: server.baseURL, extraEnvironment: ["CLICOLOR_FORCE": "1", "NO_COLOR": "1"])
        let none = try await refused.run(["run", "-m", "gpt-5.4", "-q", prompt])
        #expect(none.status == 0 && !none.stderr.contains("\u{1B}"))
    }
}
