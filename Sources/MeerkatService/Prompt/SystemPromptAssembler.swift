public import Foundation
import MeerkatCore

/// How a request sets the base system prompt.
public enum SystemPromptOverride: Sendable, Hashable {
    /// Use this text as the base prompt.
    case set(String)
    /// No system prompt at all.
    case disable
}

/// Builds a session's system prompt (AGENT.md §1.11). The first of these is the base: a per-request override,
/// `[agent].system_prompt_file`, `[agent].system_prompt`, or the built-in default prompt followed by the project's
/// `AGENTS.md` files. Then `[agent].tool_instructions` and any `--instructions` sections are appended.
public struct SystemPromptAssembler: Sendable {
    /// Largest `AGENTS.md` content read per file (larger files are cut with a note).
    public static let agentsFileCap = 32 * 1024

    /// The built-in default prompt.
    public static let defaultPrompt = """
        You are an autonomous agent working for the user. Break the work into steps and carry them out with the \
        tools you have. When several tool calls do not depend on each other, make them in parallel. If an approach \
        fails, try an alternative before giving up. Finish the task, or explain clearly what blocks you and what the \
        user can do about it. Be concise in your final answer.
        """

    public var projectRoot: URL?
    public var homeDirectory: URL?

    public init(projectRoot: URL?, homeDirectory: URL? = FileManager.default.homeDirectoryForCurrentUser) {
        self.projectRoot = projectRoot
        self.homeDirectory = homeDirectory
    }

    /// The prompt, or nil when disabled. Throws when a configured prompt file cannot be read.
    public func assemble(
        config: MeerkatConfig, override: SystemPromptOverride? = nil, instructions: [String] = []
    ) throws(ConfigError) -> String? {
        var sections: [String] = []
        switch override {
        case .disable?:
            return nil
        case .set(let text)?:
            sections.append(text)
        case nil:
            if let file = config.agent.systemPromptFile {
                let url = resolve(file)
                guard let data = FileManager.default.contents(atPath: url.path) else {
                    throw .invalidValue(
                        source: "config", path: "agent.system_prompt_file", message: "cannot read \(url.path)")
                }
                sections.append(String(decoding: data, as: UTF8.self))
            } else if let text = config.agent.systemPrompt {
                sections.append(text)
            } else {
                sections.append(Self.defaultPrompt)
                sections.append(contentsOf: agentsFiles())
            }
        }
        if let tools = config.agent.toolInstructions, !tools.isEmpty { sections.append(tools) }
        sections.append(contentsOf: instructions.filter { !$0.isEmpty })
        return sections.map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }.joined(separator: "\n\n")
    }

    /// `AGENTS.md` (or `.skat/AGENTS.md`) from the home directory, then from the project root, each capped.
    public func agentsFiles() -> [String] {
        var out: [String] = []
        var seen: Set<String> = []
        for root in [homeDirectory, projectRoot].compactMap({ $0 }) {
            for candidate in ["AGENTS.md", ".skat/AGENTS.md"] {
                let url = root.appendingPathComponent(candidate).standardizedFileURL
                guard !seen.contains(url.path), let data = FileManager.default.contents(atPath: url.path) else {
                    continue
                }
                seen.insert(url.path)
                var text = String(decoding: data.prefix(Self.agentsFileCap), as: UTF8.self)
                if data.count > Self.agentsFileCap {
                    text += "\n[\(candidate) truncated at \(Self.agentsFileCap / 1024) KiB]"
                }
                out.append("# Project instructions (\(url.path))\n\n" + text)
                break
            }
        }
        return out
    }

    private func resolve(_ path: String) -> URL {
        if path.hasPrefix("/") { return URL(fileURLWithPath: path) }
        if path.hasPrefix("~/"), let home = homeDirectory {
            return home.appendingPathComponent(String(path.dropFirst(2)))
        }
        return (projectRoot ?? URL(fileURLWithPath: FileManager.default.currentDirectoryPath)).appendingPathComponent(
            path)
    }
}
