import Foundation
public import MeerkatCore
import Synchronization

/// `shell {command, working_dir?, timeout_secs?}`: runs `<shell> -c <command>` in its own process group.
///
/// The result is a JSON object `{exit_code, stdout, stderr, timed_out, duration_secs}` (plus `signal`,
/// `cancelled`, `stdout_truncated`, `stderr_truncated` when they apply). Each stream keeps its last
/// `maxOutputCharacters` characters. A timed-out or cancelled command, and anything it left running, is killed
/// (SIGTERM, then SIGKILL) before the call returns. Commands are checked against the `ShellCommandPolicy`
/// first.
public struct ShellTool: Tool {
    private let root: ProjectRoot
    private let config: ShellConfig
    private let clock: any ToolClock
    private let shellExecutable: String
    private let policy: ShellCommandPolicy
    private let running: ProcessCounter

    /// A shell confined by `config` to `root`, timing out through `clock`.
    public init(root: ProjectRoot, config: ShellConfig = ShellConfig(), clock: any ToolClock = SystemToolClock()) {
        self.root = root
        self.config = config
        self.clock = clock
        self.shellExecutable = config.resolveShell()
        self.policy = config.policy
        self.running = ProcessCounter(limit: config.maxConcurrentProcesses)
    }

    public var definition: ToolDefinition {
        var description = """
            Run a shell command with \((shellExecutable as NSString).lastPathComponent) -c in the project \
            (non-interactive: stdin is empty). Returns JSON with exit_code, stdout, stderr, timed_out and \
            duration_secs; each stream keeps its last \(config.maxOutputCharacters) characters. Default timeout \
            \(config.defaultTimeout.secondsText) s. Background processes are killed when the command finishes.
            """
        if config.securityMode == .allowList {
            description +=
                " Only commands matching these patterns may run: "
                + config.securityPatterns.joined(separator: ", ") + "."
        }
        return ToolDefinition(
            name: BuiltinToolName.shell.rawValue, description: description,
            inputSchema: ToolSchema.object(
                [
                    "command": ToolSchema.string("The command line to run."),
                    "working_dir": ToolSchema.string(
                        "Directory to run in, relative to the project root (default: the root)."),
                    "timeout_secs": ToolSchema.number(
                        "Seconds before the command is killed (default \(config.defaultTimeout.secondsText),"
                            + " at most \(config.maxTimeout.secondsText)).", minimum: 0,
                        maximum: config.maxTimeout.inSeconds),
                ], required: ["command"]))
    }

    public func call(_ arguments: JSONValue, context: ToolCallContext) async throws -> ToolOutput {
        let args = try ToolArguments(arguments, schema: definition.inputSchema)
        let command = try args.requiredString("command")
        guard !command.trimmingSpaces.isEmpty else { throw ToolError.invalidArguments("'command' must not be empty") }
        guard !command.utf8.contains(0) else { throw ToolError.invalidArguments("'command' contains a NUL byte") }
        let timeoutSeconds = try args.number("timeout_secs", in: 0...config.maxTimeout.inSeconds)
        if let timeoutSeconds, timeoutSeconds <= 0 {
            throw ToolError.invalidArguments("'timeout_secs' must be greater than 0")
        }
        let directory = try workingDirectory(try args.string("working_dir"))
        if case .denied(let reason) = policy.evaluate(command) {
            throw ToolError.policyDenied("shell \(config.securityMode.rawValue): \(reason)")
        }
        guard running.acquire() else {
            throw ToolError.unavailable(
                "\(config.maxConcurrentProcesses) shell commands are already running; wait for one to finish")
        }
        defer { running.release() }

        let runner = ProcessGroupRunner(
            executable: shellExecutable, arguments: [shellExecutable, "-c", command], workingDirectory: directory,
            timeout: timeoutSeconds.map { .seconds($0) } ?? config.defaultTimeout,
            clock: clock, killGracePeriod: config.killGracePeriod, outputCharacterLimit: config.maxOutputCharacters)
        let result: ProcessGroupRunner.Result
        do {
            result = try await runner.run()
        } catch {
            throw ToolError.executionFailed(error.description)
        }
        return Self.render(result)
    }

    /// The directory the command runs in.
    private func workingDirectory(_ requested: String?) throws(ToolError) -> String {
        guard let requested else { return root.path }
        let path: String
        if config.restrictToProject {
            path = try root.resolve(requested)
        } else {
            guard !requested.utf8.contains(0) else { throw .invalidArguments("'working_dir' contains a NUL byte") }
            path = requested.hasPrefix("/") ? requested : root.path + "/" + requested
        }
        guard FileAccess.info(path)?.isDirectory == true else {
            throw .executionFailed("working directory '\(requested)' is not an existing directory")
        }
        return path
    }

    /// The JSON result the model sees; timed-out and cancelled runs are marked as errors.
    static func render(_ result: ProcessGroupRunner.Result) -> ToolOutput {
        var object: [String: JSONValue] = [
            "exit_code": result.exitCode.map { .number(Double($0)) } ?? .null,
            "stdout": .string(result.stdout),
            "stderr": .string(result.stderr),
            "timed_out": .bool(result.timedOut),
            "duration_secs": .number(result.duration.roundedSeconds),
        ]
        if let signal = result.signal { object["signal"] = .number(Double(signal)) }
        if result.cancelled { object["cancelled"] = true }
        if result.stdoutTruncated { object["stdout_truncated"] = true }
        if result.stderrTruncated { object["stderr_truncated"] = true }
        return ToolOutput(
            content: [.text(JSONValue.object(object).compactText())], isError: result.timedOut || result.cancelled)
    }
}

/// Counts running commands against `ShellConfig.maxConcurrentProcesses`.
final class ProcessCounter: Sendable {
    private let limit: Int
    // Every access goes through `withLock`.
    private let count = Mutex(0)

    init(limit: Int) {
        self.limit = limit
    }

    /// Takes a slot, or returns false when all are in use.
    func acquire() -> Bool {
        count.withLock { count in
            guard count < limit else { return false }
            count += 1
            return true
        }
    }

    /// Returns a slot.
    func release() {
        count.withLock { $0 -= 1 }
    }
}
