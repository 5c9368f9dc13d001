import Foundation
import MeerkatCore
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The stdio transport: the server is a child process; messages are single lines of JSON on its stdin and
/// stdout; its stderr is drained and its tail quoted when it exits.
final class MCPStdioTransport: MCPTransport {
    private enum Inbound: Sendable {
        case line(Data)
        case end
    }

    /// How long `close` waits after closing stdin, and again after SIGTERM.
    static let terminationGrace: Duration = .seconds(2)

    let repliesInline = false
    private let server: String
    private let command: String
    private let arguments: [String]
    private let environment: [String: String]
    // Set once in `start`; every access goes through `withLock`.
    private let process = Mutex<MCPChildProcess?>(nil)

    /// A transport for `command args` with `env` added to this process's environment.
    init(server: String, command: String, arguments: [String], environment: [String: String]) {
        self.server = server
        self.command = command
        self.arguments = arguments
        self.environment = ProcessInfo.processInfo.environment.merging(environment) { _, configured in configured }
    }

    func start(deliver: @escaping @Sendable (MCPTransportEvent) async -> Void) async throws(MCPClientError) {
        let executable = try resolveExecutable()
        let (stream, continuation) = AsyncStream<Inbound>.makeStream()
        let child: MCPChildProcess
        do {
            child = try MCPChildProcess.launch(
                executable: executable, arguments: arguments, environment: environment,
                onLine: { continuation.yield(.line($0)) },
                onEnd: {
                    continuation.yield(.end)
                    continuation.finish()
                })
        } catch {
            throw .launchFailed(server: server, message: error.description)
        }
        process.withLock { $0 = child }
        Task {
            for await inbound in stream {
                switch inbound {
                case .line(let line):
                    // Lines that are not JSON (stray logging) are ignored.
                    if let message = try? JSONValue.parse(line) { await deliver(.message(message)) }
                case .end:
                    await deliver(.closed(await Self.describeEnd(of: child)))
                }
            }
        }
    }

    func send(_ message: JSONValue) async throws(MCPClientError) {
        guard let child = process.withLock({ $0 }) else { throw .connectionClosed("the server is not started") }
        try await child.write(Data((message.compactText() + "\n").utf8))
    }

    func negotiated(protocolVersion: String) async {}

    func close() async {
        await process.withLock { $0 }?.terminate(grace: Self.terminationGrace)
    }

    private static func describeEnd(of child: MCPChildProcess) async -> String {
        let exit = await child.exitDescription(waiting: .milliseconds(500)) ?? "closed its stdout"
        let stderr = child.stderrText
        return "the server process \(exit)" + (stderr.isEmpty ? "" : "; stderr: \(stderr)")
    }

    /// `command` itself when it contains a slash, else the first executable match on `PATH`.
    private func resolveExecutable() throws(MCPClientError) -> String {
        if command.contains("/") {
            guard access(command, X_OK) == 0 else {
                throw .launchFailed(server: server, message: "'\(command)' is not an executable file")
            }
            return command
        }
        let path = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") where !directory.isEmpty {
            let candidate = "\(directory)/\(command)"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        throw .launchFailed(server: server, message: "command '\(command)' was not found on PATH")
    }
}
