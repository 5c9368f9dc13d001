import Foundation
import MeerkatService
import Testing

@Suite("System prompt assembly")
struct SystemPromptTests {
    private let scratch = ScratchFolder("skat-prompt")

    private func directories() throws -> (project: URL, home: URL) {
        (try scratch.folder("project"), try scratch.folder("home"))
    }

    @Test func defaultPromptIsFollowedByAgentsFilesFromHomeThenProject() throws {
        let (project, home) = try directories()
        try "home rules".write(to: home.appendingPathComponent("AGENTS.md"), atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(
            at: project.appendingPathComponent(".skat"), withIntermediateDirectories: true)
        try "project rules".write(
            to: project.appendingPathComponent(".skat/AGENTS.md"), atomically: true, encoding: .utf8)
        let prompt = try SystemPromptAssembler(projectRoot: project, homeDirectory: home).assemble(
            config: MeerkatConfig())
        let text = try #require(prompt)
        #expect(text.hasPrefix("You are an autonomous agent"))
        let homeRange = try #require(text.range(of: "home rules"))
        let proj = try #require(text.range(of: "project rules"))
        #expect(homeRange.lowerBound < proj.lowerBound)
    }

    @Test func precedenceOverrideThenFileThenConfigText() throws {
        let (project, home) = try directories()
        try "from file".write(to: project.appendingPathComponent("prompt.md"), atomically: true, encoding: .utf8)
        try "agents".write(to: project.appendingPathComponent("AGENTS.md"), atomically: true, encoding: .utf8)
        let assembler = SystemPromptAssembler(projectRoot: project, homeDirectory: home)
        var config = MeerkatConfig()
        config.agent.systemPrompt = "from config"
        #expect(try assembler.assemble(config: config) == "from config")
        config.agent.systemPromptFile = "prompt.md"
        #expect(try assembler.assemble(config: config) == "from file")
        #expect(try assembler.assemble(config: config, override: .set("from request")) == "from request")
        #expect(try assembler.assemble(config: config, override: .disable) == nil)
    }

    /// Tool instructions and extra instructions follow the base; each section loses its surrounding whitespace and
    /// newlines (Unicode spaces included), a blank one is dropped, and what is inside a section stays as written.
    @Test(arguments: [
        ("base", "use tools wisely", ["answer in French"], "base\n\nuse tools wisely\n\nanswer in French"),
        (
            " \n base  text \t\r\n", "\r\n\u{00A0}", ["\u{2003} answer\n\nin French\u{2029}", " "],
            "base  text\n\nanswer\n\nin French"
        ),
    ])
    func sectionsAreAppendedTrimmedAndBlankOnesDropped(
        base: String, toolInstructions: String, instructions: [String], expected: String
    ) throws {
        let (project, home) = try directories()
        var config = MeerkatConfig()
        config.agent.systemPrompt = base
        config.agent.toolInstructions = toolInstructions
        let prompt = try SystemPromptAssembler(projectRoot: project, homeDirectory: home)
            .assemble(config: config, instructions: instructions)
        #expect(prompt == expected)
    }

    @Test func largeAgentsFileIsCapped() throws {
        let (project, home) = try directories()
        let big = String(repeating: "x", count: SystemPromptAssembler.agentsFileCap + 100)
        try big.write(to: project.appendingPathComponent("AGENTS.md"), atomically: true, encoding: .utf8)
        let files = SystemPromptAssembler(projectRoot: project, homeDirectory: home).agentsFiles()
        #expect(files.count == 1)
        #expect(files[0].contains("truncated at 32 KiB"))
        #expect(files[0].count < SystemPromptAssembler.agentsFileCap + 200)
    }

    @Test func unreadablePromptFileIsAClearError() throws {
        let (project, home) = try directories()
        var config = MeerkatConfig()
        config.agent.systemPromptFile = "missing.md"
        #expect {
            _ = try SystemPromptAssembler(projectRoot: project, homeDirectory: home).assemble(config: config)
        } throws: { "\($0)".contains("agent.system_prompt_file") && "\($0)".contains("missing.md") }
    }
}
