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

    @Test func toolInstructionsAndExtraInstructionsAreAppended() throws {
        let (project, home) = try directories()
        var config = MeerkatConfig()
        config.agent.systemPrompt = "base"
        config.agent.toolInstructions = "use tools wisely"
        let prompt = try SystemPromptAssembler(projectRoot: project, homeDirectory: home)
            .assemble(config: config, instructions: ["answer in French"])
        #expect(prompt == "base\n\nuse tools wisely\n\nanswer in French")
    }

    /// Each section loses its surrounding whitespace and newlines (Unicode spaces included), a blank one is dropped,
    /// and what is inside a section stays as written.
    @Test func sectionsAreTrimmedAndBlankOnesDropped() throws {
        let (project, home) = try directories()
        var config = MeerkatConfig()
        config.agent.systemPrompt = " \n base  text \t\r\n"
        config.agent.toolInstructions = "\r\n\u{00A0}"
        let prompt = try SystemPromptAssembler(projectRoot: project, homeDirectory: home)
            .assemble(config: config, instructions: ["\u{2003} answer\n\nin French\u{2029}", " "])
        #expect(prompt == "base  text\n\nanswer\n\nin French")
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
