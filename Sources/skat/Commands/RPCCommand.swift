import ArgumentParser
import Foundation
import MeerkatServer
import MeerkatService

/// `skat rpc`: the JSON-RPC 2.0 server on stdio, or on TCP with `--listen`.
struct RPCCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rpc",
        abstract: "Serve the Meerkat JSON-RPC 2.0 API (newline-delimited) on stdio or TCP (docs/rpc.md).",
        discussion: """
            Without --listen the server reads requests from stdin and writes answers to stdout until stdin ends. \
            With --listen HOST:PORT it accepts TCP clients (port 0 picks a free port); the first stdout line is \
            {"listening":"HOST:PORT"}. A non-loopback HOST requires a token (--auth-token-file or SKAT_AUTH_TOKEN) \
            that every connection's initialize must carry.
            """)

    @OptionGroup var realm: RealmOptions

    @Option(name: .long, help: "Serve TCP on HOST:PORT instead of stdio (e.g. 127.0.0.1:0).")
    var listen: String?

    @Option(name: .customLong("auth-token-file"), help: "File holding the token initialize must carry.")
    var authTokenFile: String?

    @Option(name: .customLong("max-line-bytes"), help: "Longest accepted request line (default 4 MiB).")
    var maxLineBytes: Int = 4 << 20

    func run() async throws {
        guard maxLineBytes >= 1024 else { throw ValidationError("--max-line-bytes must be at least 1024") }
        let token: String?
        do {
            token = try RPCAuth.token(file: authTokenFile, environment: ProcessInfo.processInfo.environment)
        } catch {
            throw SkatFailure("cannot read the auth token: \(error)")
        }
        let address = try listen.map(Self.parseAddress)
        if let address, !RPCAuth.isLoopback(address.host), token == nil {
            throw SkatFailure(
                "listening on \(address.host) (not loopback) requires --auth-token-file or SKAT_AUTH_TOKEN")
        }
        let environment = try await realm.open()
        let server = RPCServer(service: environment.service, authToken: token)
        guard let address else {
            try await RPCStdioTransport.run(maxLineBytes: maxLineBytes, protocol: server.lineProtocol)
            await environment.close()
            return
        }
        let listener: RPCTCPListener
        do {
            listener = try await RPCTCPListener.start(
                host: address.host, port: address.port, maxLineBytes: maxLineBytes, protocol: server.lineProtocol)
        } catch {
            await environment.close()
            throw SkatFailure("cannot listen on \(address.host):\(address.port): \(error)")
        }
        Output.out("{\"listening\":\"\(listener.boundAddress)\"}\n")
        Output.err("skat rpc: listening on \(listener.boundAddress)\n")
        await listener.wait()
        await environment.close()
    }

    /// `HOST:PORT` or `[v6]:PORT`.
    static func parseAddress(_ text: String) throws -> (host: String, port: Int) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (0...65535).contains(port)
        else {
            throw ValidationError("--listen must be HOST:PORT with a port in 0...65535, got '\(text)'")
        }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { throw ValidationError("--listen: the host is empty in '\(text)'") }
        return (host, port)
    }
}

/// `skat mcp-server`: the session service as MCP tools over stdio.
struct MCPServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mcp-server",
        abstract: "Serve Meerkat sessions as MCP tools over stdio (docs/mcp-server.md).")

    @OptionGroup var realm: RealmOptions

    @Option(name: .customLong("max-line-bytes"), help: "Longest accepted request line (default 4 MiB).")
    var maxLineBytes: Int = 4 << 20

    func run() async throws {
        let environment = try await realm.open()
        let server = MCPServer(service: environment.service)
        try await RPCStdioTransport.run(maxLineBytes: maxLineBytes, protocol: server.lineProtocol)
        await environment.close()
    }
}
