import ArgumentParser
import Foundation

struct InitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init", abstract: "Create .skat/config.toml in the current directory (the project root).")

    static let template = """
        # skat project configuration. Every key is optional; see docs/configuration.md.

        [agent]
        # model = "claude-opus-5"          # or gpt-5.6-sol, gemini-3.5-flash, a self-hosted alias
        # max_turns = 100
        # system_prompt = "..."

        [tools]
        # preset = "safe"                  # none | safe | workspace | full

        [budget]
        # max_tokens = 200000
        # max_duration = "30m"

        [retry]
        # max_retries = 3
        # stream_inactivity_timeout = "300s"

        # [self_hosted.servers.local]
        # base_url = "http://127.0.0.1:11434/v1"
        # [self_hosted.models.llama]
        # server = "local"
        # remote_model = "llama3.2"

        """

    func run() async throws {
        let directory = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(".skat")
        let file = directory.appendingPathComponent("config.toml")
        if FileManager.default.fileExists(atPath: file.path) {
            Output.out("\(file.path) already exists; nothing changed\n")
            return
        }
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try Data(Self.template.utf8).write(to: file, options: .withoutOverwriting)
        } catch {
            throw SkatFailure("cannot create \(file.path): \(error.localizedDescription)")
        }
        Output.out("created \(file.path)\n")
    }
}
