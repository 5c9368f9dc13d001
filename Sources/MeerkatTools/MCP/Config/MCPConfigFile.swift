public import Foundation
import MeerkatCore

/// The two `mcp.toml` files (project and user): loading, merging, `${VAR}` expansion and the writers behind
/// `skat mcp add|remove|list|get`.
///
/// The project file (`<project>/.skat/mcp.toml`) wins over the user file (`~/.skat/mcp.toml`) on a name clash.
/// A missing file counts as empty. `add` and `remove` rewrite the chosen file as a whole (comments are not kept).
public struct MCPConfigFile: Sendable {
    /// Path of the project file.
    public var projectFile: String
    /// Path of the user file.
    public var userFile: String
    /// Variables for `${VAR}` expansion.
    public var environment: [String: String]

    /// Uses explicit file paths.
    public init(projectFile: String, userFile: String, environment: [String: String]) {
        self.projectFile = projectFile
        self.userFile = userFile
        self.environment = environment
    }

    /// The standard locations: `<projectRoot>/.skat/mcp.toml` and `<homeDirectory>/.skat/mcp.toml`.
    public init(
        projectRoot: String, homeDirectory: String = NSHomeDirectory(),
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) {
        self.init(
            projectFile: (projectRoot as NSString).appendingPathComponent(".skat/mcp.toml"),
            userFile: (homeDirectory as NSString).appendingPathComponent(".skat/mcp.toml"), environment: environment)
    }

    /// The path of a scope's file.
    public func path(for scope: MCPConfigScope) -> String {
        switch scope {
        case .project: projectFile
        case .user: userFile
        }
    }

    /// The entries of one file as written (an absent file has none).
    public func servers(in scope: MCPConfigScope) throws(MCPConfigError) -> [MCPServerConfig] {
        let file = path(for: scope)
        guard FileManager.default.fileExists(atPath: file) else { return [] }
        let text: String
        do {
            text = try String(contentsOfFile: file, encoding: .utf8)
        } catch {
            throw .unreadable(file: file, message: error.localizedDescription)
        }
        return try MCPConfigTOML.parse(text, file: file)
    }

    /// Every entry of both files: project entries first, then user entries (those hidden by a project entry
    /// are marked `shadowed`).
    public func list() throws(MCPConfigError) -> [MCPConfigEntry] {
        let project = try servers(in: .project)
        let user = try servers(in: .user)
        let projectNames = Set(project.map(\.name))
        return project.map { MCPConfigEntry(server: $0, scope: .project, file: projectFile) }
            + user.map {
                MCPConfigEntry(server: $0, scope: .user, file: userFile, shadowed: projectNames.contains($0.name))
            }
    }

    /// The effective entry for `name` (project first), or nil.
    public func get(name: String) throws(MCPConfigError) -> MCPConfigEntry? {
        try list().first { $0.server.name == name && !$0.shadowed }
    }

    /// The servers to connect: both files merged (project wins), `${VAR}` expanded from `environment`.
    /// Throws at the first entry that names an unknown variable.
    public func resolvedServers() throws(MCPConfigError) -> [MCPServerConfig] {
        var resolved: [MCPServerConfig] = []
        for entry in try list() where !entry.shadowed {
            resolved.append(try entry.server.expanded(with: environment))
        }
        return resolved
    }

    /// Adds `server` to the scope's file (creating it and its directory). A name already in that file is an
    /// error (`duplicateName`); remove it first to replace it.
    public func add(server: MCPServerConfig, scope: MCPConfigScope) throws(MCPConfigError) {
        var servers = try servers(in: scope)
        if servers.contains(where: { $0.name == server.name }) {
            throw .duplicateName(file: path(for: scope), server: server.name)
        }
        servers.append(server)
        try write(servers, to: scope)
    }

    /// Removes the server named `name` from `scope`'s file, or, with no scope, from the file that provides
    /// the effective entry (project first). Returns the scope it was removed from.
    @discardableResult
    public func remove(name: String, scope: MCPConfigScope? = nil) throws(MCPConfigError) -> MCPConfigScope {
        for candidate in scope.map({ [$0] }) ?? [.project, .user] {
            var servers = try servers(in: candidate)
            guard let index = servers.firstIndex(where: { $0.name == name }) else { continue }
            servers.remove(at: index)
            try write(servers, to: candidate)
            return candidate
        }
        throw .serverNotFound(name: name, scope: scope)
    }

    private func write(_ servers: [MCPServerConfig], to scope: MCPConfigScope) throws(MCPConfigError) {
        let file = path(for: scope)
        let text = MCPConfigTOML.render(servers)
        // Never write a file that would not load again (an empty name or command, a bad timeout).
        _ = try MCPConfigTOML.parse(text, file: file)
        do {
            try FileManager.default.createDirectory(
                atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data(text.utf8).write(to: URL(fileURLWithPath: file), options: .atomic)
        } catch {
            throw .writeFailed(file: file, message: error.localizedDescription)
        }
    }
}
