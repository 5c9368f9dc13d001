import Foundation
import MeerkatCore

/// Reads and writes the `mcp.toml` format: `[[servers]]` tables, nothing else at the top level.
enum MCPConfigTOML {
    /// Parses a file's text into its server entries, in file order. `file` names the source in errors.
    static func parse(_ text: String, file: String) throws(MCPConfigError) -> [MCPServerConfig] {
        let root: [String: JSONValue]
        do {
            root = try TOMLDocument.parseObject(text)
        } catch {
            throw .unreadable(file: file, message: error.message)
        }
        if let unknown = root.keys.filter({ $0 != "servers" }).sorted().first {
            throw .invalidEntry(file: file, server: nil, message: "unknown top-level key '\(unknown)'")
        }
        guard let entries = root["servers"] else { return [] }
        guard let list = entries.arrayValue else {
            throw .invalidEntry(file: file, server: nil, message: "'servers' must be an array of tables ([[servers]])")
        }
        var servers: [MCPServerConfig] = []
        var names: Set<String> = []
        for entry in list {
            let server = try MCPServerConfig(entry: entry, file: file)
            guard names.insert(server.name).inserted else { throw .duplicateName(file: file, server: server.name) }
            servers.append(server)
        }
        return servers
    }

    /// Renders entries as `[[servers]]` tables (name first, then the transport's fields, then the timeout).
    static func render(_ servers: [MCPServerConfig]) -> String {
        var out = "# MCP servers (written by skat; comments are not kept)\n"
        for server in servers {
            out += "\n[[servers]]\n"
            out += "name = \(quote(server.name))\n"
            switch server.transport {
            case .stdio(let command, let args, let env):
                out += "command = \(quote(command))\n"
                if !args.isEmpty { out += "args = [\(args.map(quote).joined(separator: ", "))]\n" }
                if !env.isEmpty { out += "env = \(table(env))\n" }
            case .http(let url, let headers):
                out += "url = \(quote(url))\n"
                if !headers.isEmpty { out += "headers = \(table(headers))\n" }
            }
            if server.connectTimeoutSeconds != MCPServerConfig.defaultConnectTimeout {
                let seconds = server.connectTimeoutSeconds
                out +=
                    "connect_timeout_secs = \(seconds.rounded() == seconds ? String(Int(seconds)) : String(seconds))\n"
            }
        }
        return out
    }

    private static func table(_ members: [String: String]) -> String {
        "{ " + members.keys.sorted().map { "\(key($0)) = \(quote(members[$0] ?? ""))" }.joined(separator: ", ") + " }"
    }

    private static func key(_ key: String) -> String { TOMLDocument.quoteKey(key) }

    private static func quote(_ text: String) -> String { TOMLDocument.quote(text) }
}
