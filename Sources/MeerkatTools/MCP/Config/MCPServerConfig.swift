public import MeerkatCore

/// One `[[servers]]` entry of `mcp.toml`: a name, a transport and a connect timeout.
///
/// Values read from a file keep their `${VAR}` references; `expanded(with:)` resolves them before connecting.
public struct MCPServerConfig: Sendable, Hashable {
    /// The default time allowed for connect, handshake and the first tool listing.
    public static let defaultConnectTimeout: Double = 10

    /// Unique name of the server (also used in notices).
    public var name: String
    /// How to reach it.
    public var transport: MCPTransportConfig
    /// Seconds allowed for connect + `initialize` + `tools/list` (`connect_timeout_secs`).
    public var connectTimeoutSeconds: Double

    /// Creates an entry.
    public init(name: String, transport: MCPTransportConfig, connectTimeoutSeconds: Double = defaultConnectTimeout) {
        self.name = name
        self.transport = transport
        self.connectTimeoutSeconds = connectTimeoutSeconds
    }

    /// A stdio server entry.
    public static func stdio(
        _ name: String, command: String, args: [String] = [], env: [String: String] = [:],
        connectTimeoutSeconds: Double = defaultConnectTimeout
    ) -> MCPServerConfig {
        MCPServerConfig(
            name: name, transport: .stdio(command: command, args: args, env: env),
            connectTimeoutSeconds: connectTimeoutSeconds)
    }

    /// A streamable HTTP server entry.
    public static func http(
        _ name: String, url: String, headers: [String: String] = [:],
        connectTimeoutSeconds: Double = defaultConnectTimeout
    ) -> MCPServerConfig {
        MCPServerConfig(
            name: name, transport: .http(url: url, headers: headers), connectTimeoutSeconds: connectTimeoutSeconds)
    }

    /// The connect timeout as a duration.
    public var connectTimeout: Duration { .milliseconds(Int64((connectTimeoutSeconds * 1000).rounded())) }

    /// The entry with every `${VAR}` in its string values (command, args, env values, url, header values)
    /// replaced from `environment`. Throws `MCPConfigError.unknownVariable` naming the server and field.
    public func expanded(with environment: [String: String]) throws(MCPConfigError) -> MCPServerConfig {
        let expander = MCPVariableExpander(environment: environment)
        var copy = self
        switch transport {
        case .stdio(let command, let args, let env):
            var expandedArgs: [String] = []
            for (index, arg) in args.enumerated() {
                expandedArgs.append(try expander.expand(arg, server: name, field: "args[\(index)]"))
            }
            var expandedEnv: [String: String] = [:]
            for key in env.keys.sorted() {
                expandedEnv[key] = try expander.expand(env[key] ?? "", server: name, field: "env.\(key)")
            }
            copy.transport = .stdio(
                command: try expander.expand(command, server: name, field: "command"), args: expandedArgs,
                env: expandedEnv)
        case .http(let url, let headers):
            var expandedHeaders: [String: String] = [:]
            for key in headers.keys.sorted() {
                expandedHeaders[key] = try expander.expand(headers[key] ?? "", server: name, field: "headers.\(key)")
            }
            copy.transport = .http(
                url: try expander.expand(url, server: name, field: "url"), headers: expandedHeaders)
        }
        return copy
    }

    /// The entry as JSON (`name`, `command`/`args`/`env` or `url`/`headers`, `connect_timeout_secs`), the shape
    /// of `skat mcp get --json` and of the TOML table.
    public var json: JSONValue {
        var object: [String: JSONValue] = ["name": .string(name)]
        switch transport {
        case .stdio(let command, let args, let env):
            object["command"] = .string(command)
            if !args.isEmpty { object["args"] = .array(args.map { .string($0) }) }
            if !env.isEmpty { object["env"] = .object(env.mapValues { .string($0) }) }
        case .http(let url, let headers):
            object["url"] = .string(url)
            if !headers.isEmpty { object["headers"] = .object(headers.mapValues { .string($0) }) }
        }
        if connectTimeoutSeconds != Self.defaultConnectTimeout {
            object["connect_timeout_secs"] = .number(connectTimeoutSeconds)
        }
        return .object(object)
    }

    /// One line for `skat mcp list`: `name  stdio  command args…` or `name  http  url`.
    public var summary: String {
        switch transport {
        case .stdio(let command, let args, _): "\(name)  stdio  \(([command] + args).joined(separator: " "))"
        case .http(let url, _): "\(name)  http  \(url)"
        }
    }
}
