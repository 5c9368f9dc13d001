import ArgumentParser
import Foundation
import MeerkatService

struct MCPCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mcp",
        abstract: "Configure MCP servers (.skat/mcp.toml for the project, ~/.skat/mcp.toml for the user).",
        subcommands: [Add.self, List.self, Get.self, Remove.self])

    enum Scope: String, ExpressibleByArgument {
        case project, user
        var value: MCPServerSettings.Scope { self == .project ? .project : .user }
    }

    static func file() -> MCPServerSettings {
        MCPServerSettings(currentDirectory: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a server: `skat mcp add NAME --url URL [-H K:V]` or `skat mcp add NAME -- COMMAND ARGS...`.")
        @Argument(help: "Server name.") var name: String
        @Option(help: "Streamable HTTP endpoint.") var url: String?
        @Option(name: .customShort("H"), help: "HTTP header K:V (repeatable).") var header: [String] = []
        @Option(name: .customShort("e"), help: "Environment K=V for a stdio server (repeatable).") var env: [String] =
            []
        @Option var scope: Scope = .project
        @Argument(parsing: .postTerminator, help: "Command and arguments of a stdio server.") var command: [String] = []

        func validate() throws {
            if (url == nil) == command.isEmpty { throw ValidationError("give either --url or `-- COMMAND ARGS...`") }
        }

        func run() async throws {
            let transport: MCPServerSettings.Transport
            if let url {
                var headers: [String: String] = [:]
                for item in header {
                    guard let colon = item.firstIndex(of: ":") else {
                        throw ValidationError("-H expects K:V, got '\(item)'")
                    }
                    headers[String(item[..<colon]).trimmingCharacters(in: .whitespaces)] =
                        String(item[item.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
                }
                transport = .http(url: url, headers: headers)
            } else {
                var environment: [String: String] = [:]
                for item in env {
                    guard let equals = item.firstIndex(of: "=") else {
                        throw ValidationError("-e expects K=V, got '\(item)'")
                    }
                    environment[String(item[..<equals])] = String(item[item.index(after: equals)...])
                }
                transport = .stdio(command: command[0], arguments: Array(command.dropFirst()), environment: environment)
            }
            do {
                try MCPCommand.file().add(name: name, transport: transport, scope: scope.value)
            } catch {
                throw SkatFailure(error.description)
            }
            Output.out("added MCP server \(name) to \(MCPCommand.file().path(for: scope.value))\n")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List configured MCP servers.")
        @Flag var json = false

        func run() async throws {
            let entries: [MCPServerSettings.Entry]
            do {
                entries = try MCPCommand.file().list()
            } catch {
                throw SkatFailure(error.description)
            }
            if json {
                printJSON(entries.map(\.json))
                return
            }
            if entries.isEmpty { Output.err("no MCP servers configured\n") }
            for entry in entries { Output.out(entry.summary + "\n") }
        }
    }

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one MCP server.")
        @Argument var name: String
        @Flag var json = false

        func run() async throws {
            let entry: MCPServerSettings.Entry?
            do {
                entry = try MCPCommand.file().get(name: name)
            } catch {
                throw SkatFailure(error.description)
            }
            guard let entry else { throw SkatFailure("no MCP server named '\(name)'") }
            if json { printJSON(entry.json) } else { Output.out(entry.summary + "\n") }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove an MCP server.")
        @Argument var name: String
        @Option var scope: Scope?

        func run() async throws {
            do {
                let removed = try MCPCommand.file().remove(name: name, scope: scope?.value)
                Output.out("removed MCP server \(name) from the \(removed) config\n")
            } catch {
                throw SkatFailure(error.description)
            }
        }
    }
}
