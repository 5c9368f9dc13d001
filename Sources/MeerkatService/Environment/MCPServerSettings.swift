public import Foundation
public import MeerkatCore
import MeerkatSQLite
import MeerkatTools

/// The MCP servers a project and its user configure (`<project>/.skat/mcp.toml`, `~/.skat/mcp.toml`): what
/// surfaces list, add and remove. The project is found as for realms (below `$HOME` and
/// `SKAT_CEILING_DIRECTORIES`).
public struct MCPServerSettings: Sendable {
    /// Which file an entry lives in.
    public enum Scope: String, Sendable, Hashable, Codable, CaseIterable {
        /// `<project>/.skat/mcp.toml`; wins over the user file on a name clash.
        case project
        /// `~/.skat/mcp.toml`.
        case user

        var tools: MCPConfigScope { self == .project ? .project : .user }
        init(_ scope: MCPConfigScope) { self = scope == .project ? .project : .user }
    }

    /// How a server is reached.
    public enum Transport: Sendable, Hashable {
        /// Streamable HTTP at `url` with extra request headers.
        case http(url: String, headers: [String: String])
        /// A child process speaking MCP on stdio.
        case stdio(command: String, arguments: [String], environment: [String: String])
    }

    /// One configured server as listed.
    public struct Entry: Sendable, Hashable {
        public var name: String
        public var scope: Scope
        /// The file holding it.
        public var file: String
        /// Whether a project entry of the same name hides this user entry.
        public var shadowed: Bool
        /// One line for a person.
        public var summary: String
        /// The entry as JSON (secrets in headers and environment values are redacted).
        public var json: JSONValue
    }

    private let file: MCPConfigFile

    /// The settings of the project that holds `currentDirectory`.
    public init(currentDirectory: URL, environment: [String: String] = ProcessInfo.processInfo.environment) {
        let ceilings = RealmLocation.ceilings(environment: environment)
        let root = RealmLocation.projectRoot(from: currentDirectory, ceilings: ceilings)
        file = MCPConfigFile(
            projectRoot: root.path, homeDirectory: environment["HOME"] ?? NSHomeDirectory(), environment: environment)
    }

    /// The path of a scope's file.
    public func path(for scope: Scope) -> String { file.path(for: scope.tools) }

    /// Adds (or replaces) a server in `scope`.
    public func add(name: String, transport: Transport, scope: Scope) throws(ServiceError) {
        let server: MCPServerConfig
        switch transport {
        case .http(let url, let headers): server = .http(name, url: url, headers: headers)
        case .stdio(let command, let arguments, let environment):
            server = .stdio(name, command: command, args: arguments, env: environment)
        }
        do {
            try file.add(server: server, scope: scope.tools)
        } catch {
            throw .invalidRequest(field: "mcp", message: error.description)
        }
    }

    /// Every configured server, project entries first.
    public func list() throws(ServiceError) -> [Entry] {
        do {
            return try file.list().map(Self.entry)
        } catch {
            throw .invalidRequest(field: "mcp", message: error.description)
        }
    }

    /// The effective entry named `name`, nil when none is configured.
    public func get(name: String) throws(ServiceError) -> Entry? {
        do {
            return try file.get(name: name).map(Self.entry)
        } catch {
            throw .invalidRequest(field: "mcp", message: error.description)
        }
    }

    /// Removes `name` (from `scope`, or from whichever file holds it) and returns the scope it was removed from.
    public func remove(name: String, scope: Scope?) throws(ServiceError) -> Scope {
        do {
            return Scope(try file.remove(name: name, scope: scope?.tools))
        } catch {
            throw .invalidRequest(field: "mcp", message: error.description)
        }
    }

    private static func entry(_ entry: MCPConfigEntry) -> Entry {
        Entry(
            name: entry.server.name, scope: Scope(entry.scope), file: entry.file, shadowed: entry.shadowed,
            summary: entry.summary, json: entry.json)
    }
}
