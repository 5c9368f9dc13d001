import Foundation
import MeerkatCore

extension MCPServerConfig {
    private static let stdioKeys: Set<String> = ["name", "command", "args", "env", "connect_timeout_secs", "transport"]
    private static let httpKeys: Set<String> = ["name", "url", "headers", "connect_timeout_secs", "transport"]

    /// Reads one `[[servers]]` table (already converted to JSON); `file` names the source in errors.
    init(entry: JSONValue, file: String) throws(MCPConfigError) {
        guard let object = entry.objectValue else {
            throw .invalidEntry(file: file, server: nil, message: "each [[servers]] entry must be a table")
        }
        guard let name = object["name"]?.stringValue, !name.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw .invalidEntry(file: file, server: nil, message: "'name' (a non-empty string) is required")
        }
        func fail(_ message: String) -> MCPConfigError { .invalidEntry(file: file, server: name, message: message) }

        var timeout = Self.defaultConnectTimeout
        if let value = object["connect_timeout_secs"] {
            guard let seconds = value.numberValue, seconds > 0 else {
                throw fail("'connect_timeout_secs' must be a positive number")
            }
            timeout = seconds
        }
        let declared = object["transport"]
        if let declared, declared.stringValue == nil { throw fail("'transport' must be a string") }
        switch declared?.stringValue {
        case nil, "stdio", "http", "streamable-http", "streamable_http": break
        case "sse": throw fail("the legacy SSE transport is not supported; use streamable HTTP (a 'url' entry)")
        case let other?: throw fail("unknown transport '\(other)' (expected stdio or http)")
        }

        let hasCommand = object["command"] != nil
        let hasURL = object["url"] != nil
        if hasCommand && hasURL { throw fail("give either 'command' (stdio) or 'url' (HTTP), not both") }
        if hasCommand {
            if let declared = declared?.stringValue, declared != "stdio" {
                throw fail("transport '\(declared)' needs 'url', not 'command'")
            }
            if let unknown = Set(object.keys).subtracting(Self.stdioKeys).sorted().first {
                throw fail("unknown field '\(unknown)' for a stdio server")
            }
            guard let command = object["command"]?.stringValue, !command.isEmpty else {
                throw fail("'command' must be a non-empty string")
            }
            let args = try Self.strings(object["args"], field: "args", fail: fail)
            let env = try Self.stringTable(object["env"], field: "env", fail: fail)
            self.init(
                name: name, transport: .stdio(command: command, args: args, env: env), connectTimeoutSeconds: timeout)
        } else if hasURL {
            if declared?.stringValue == "stdio" { throw fail("transport 'stdio' needs 'command', not 'url'") }
            if let unknown = Set(object.keys).subtracting(Self.httpKeys).sorted().first {
                throw fail("unknown field '\(unknown)' for an HTTP server")
            }
            guard let url = object["url"]?.stringValue, !url.isEmpty else {
                throw fail("'url' must be a non-empty string")
            }
            let headers = try Self.stringTable(object["headers"], field: "headers", fail: fail)
            self.init(name: name, transport: .http(url: url, headers: headers), connectTimeoutSeconds: timeout)
        } else {
            throw fail("give 'command' (stdio) or 'url' (streamable HTTP)")
        }
    }

    private static func strings(
        _ value: JSONValue?, field: String, fail: (String) -> MCPConfigError
    ) throws(MCPConfigError) -> [String] {
        guard let value else { return [] }
        guard let items = value.arrayValue else { throw fail("'\(field)' must be an array of strings") }
        var out: [String] = []
        for item in items {
            guard let text = item.stringValue else { throw fail("'\(field)' must be an array of strings") }
            out.append(text)
        }
        return out
    }

    private static func stringTable(
        _ value: JSONValue?, field: String, fail: (String) -> MCPConfigError
    ) throws(MCPConfigError) -> [String: String] {
        guard let value else { return [:] }
        guard let members = value.objectValue else { throw fail("'\(field)' must be a table of strings") }
        var out: [String: String] = [:]
        for (key, member) in members {
            guard let text = member.stringValue else { throw fail("'\(field).\(key)' must be a string") }
            out[key] = text
        }
        return out
    }
}
