import Foundation
import MeerkatCore
import Synchronization
import Testing

@testable import MeerkatTools

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A clock whose timeout fires once the command has written a grandchild's pid to a FIFO, so the test needs
/// no guess about how long the command takes to start.
final class FIFOTimeoutClock: ToolClock {
    let fifo: String
    let pid = Mutex<pid_t?>(nil)

    init(fifo: String) {
        self.fifo = fifo
    }

    func sleep(for duration: Duration) async throws {
        let text = await readFIFO(fifo)
        pid.withLock { $0 = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }
}

@Suite(.timeLimit(.minutes(1))) struct ShellToolTests {
    private func config(_ update: (inout ShellConfig) -> Void = { _ in }) -> ShellConfig {
        var config = ShellConfig(shellPath: "/bin/sh", killGracePeriod: .milliseconds(200))
        update(&config)
        return config
    }

    private func makeFIFO(_ project: TempProject) throws -> String {
        let path = project.path + "/pid.fifo"
        #expect(mkfifo(path, 0o600) == 0)
        return path
    }

    @Test func runsACommandAndReportsJSON() async throws {
        let project = try TempProject()
        let tool = ShellTool(root: project.root, config: config())
        let output = try await tool.call(["command": "echo out; echo err >&2; exit 3"], context: testContext())
        #expect(!output.isError)
        let result = try JSONValue.parse(output.content.map(\.textProjection).joined())
        #expect(result["exit_code"] == 3)
        #expect(result["stdout"] == "out\n")
        #expect(result["stderr"] == "err\n")
        #expect(result["timed_out"] == false)
        #expect(result["duration_secs"]?.numberValue != nil)
    }

    @Test func runsInTheRootOrAConfinedWorkingDirectory() async throws {
        let project = try TempProject()
        try project.write("sub/marker", "")
        let tool = ShellTool(root: project.root, config: config())
        let atRoot = try await callJSON(tool, ["command": "pwd -P"])
        #expect(atRoot["stdout"] == .string(project.path + "\n"))
        let inSub = try await callJSON(tool, ["command": "ls", "working_dir": "sub"])
        #expect(inSub["stdout"] == "marker\n")
        let missing = await callError(tool, ["command": "ls", "working_dir": "nope"])
        #expect(missing == .executionFailed("working directory 'nope' is not an existing directory"))
    }

    @Test func timeoutKillsTheWholeGroupIncludingGrandchildren() async throws {
        let project = try TempProject()
        let fifo = try makeFIFO(project)
        let clock = FIFOTimeoutClock(fifo: fifo)
        let tool = ShellTool(root: project.root, config: config(), clock: clock)
        // The grandchild runs in a nested shell so it is not the direct child of the tool's shell.
        let output = try await tool.call(
            ["command": "sh -c 'sleep 30 & echo $! > pid.fifo; wait'; echo never", "timeout_secs": 5],
            context: testContext())
        let result = try JSONValue.parse(output.content.map(\.textProjection).joined())
        #expect(output.isError)
        #expect(result["timed_out"] == true)
        #expect(result["stdout"] == "")
        let grandchild = try #require(clock.pid.withLock { $0 })
        #expect(processExits(grandchild))
    }

    @Test func timeoutEscalatesToSIGKILLForProcessesIgnoringSIGTERM() async throws {
        let project = try TempProject()
        let fifo = try makeFIFO(project)
        let clock = FIFOTimeoutClock(fifo: fifo)
        let tool = ShellTool(root: project.root, config: config(), clock: clock)
        let output = try await tool.call(
            ["command": "trap '' TERM; sleep 30 & echo $! > pid.fifo; wait"], context: testContext())
        let result = try JSONValue.parse(output.content.map(\.textProjection).joined())
        #expect(result["timed_out"] == true)
        #expect(result["signal"] == 9)
        let grandchild = try #require(clock.pid.withLock { $0 })
        #expect(processExits(grandchild))
    }

    @Test func cancellationKillsTheGroup() async throws {
        let project = try TempProject()
        let fifo = try makeFIFO(project)
        let tool = ShellTool(root: project.root, config: config(), clock: ParkedClock())
        let call = Task {
            try await tool.call(["command": "sleep 30 & echo $! > pid.fifo; wait"], context: testContext())
        }
        let grandchild = try #require(pid_t(await readFIFO(fifo).trimmingCharacters(in: .whitespacesAndNewlines)))
        call.cancel()
        let output = try await call.value
        let result = try JSONValue.parse(output.content.map(\.textProjection).joined())
        #expect(output.isError)
        #expect(result["cancelled"] == true)
        #expect(result["timed_out"] == false)
        #expect(processExits(grandchild))
    }

    @Test func backgroundJobsDoNotOutliveTheCall() async throws {
        let project = try TempProject()
        let tool = ShellTool(root: project.root, config: config())
        let result = try await callJSON(tool, ["command": "sleep 30 & echo $! > bg.pid; echo started"])
        #expect(result["exit_code"] == 0)
        #expect(result["stdout"] == "started\n")
        let pid = try #require(pid_t(project.read("bg.pid")?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""))
        #expect(processExits(pid))
    }

    @Test func keepsTheLastCharactersOfEachStream() async throws {
        let project = try TempProject()
        let tool = ShellTool(root: project.root, config: config { $0.maxOutputCharacters = 100 })
        let result = try await callJSON(tool, ["command": "i=0; while [ $i -lt 500 ]; do i=$((i+1)); echo $i; done"])
        let stdout = try #require(result["stdout"]?.stringValue)
        #expect(stdout.count == 100)
        #expect(stdout.hasSuffix("498\n499\n500\n"))
        #expect(result["stdout_truncated"] == true)
        #expect(result["stderr_truncated"] == nil)
    }

    @Test func allowListRefusesBeforeRunning() async throws {
        let project = try TempProject()
        let tool = ShellTool(
            root: project.root,
            config: config {
                $0.securityMode = .allowList
                $0.securityPatterns = ["echo *", "touch allowed.txt"]
            })
        let allowed = try await callJSON(tool, ["command": "echo  'hello   world'"])
        #expect(allowed["stdout"] == "hello   world\n")
        _ = try await callJSON(tool, ["command": "touch allowed.txt"])
        #expect(project.exists("allowed.txt"))
        let refused = await callError(tool, ["command": "echo hi; touch pwned.txt"])
        guard case .policyDenied(let reason)? = refused else {
            Issue.record("expected policyDenied, got \(String(describing: refused))")
            return
        }
        #expect(reason.contains("allow_list"))
        #expect(!project.exists("pwned.txt"))
    }

    @Test func denyListRefusesBeforeRunning() async throws {
        let project = try TempProject()
        try project.write("keep.txt", "x")
        let tool = ShellTool(
            root: project.root,
            config: config {
                $0.securityMode = .denyList
                $0.securityPatterns = ["rm *"]
            })
        let refused = await callError(tool, ["command": "echo ok && rm   keep.txt"])
        #expect(refused == .policyDenied("shell deny_list: 'rm keep.txt' matches the denied pattern 'rm *'"))
        #expect(project.exists("keep.txt"))
        let allowed = try await callJSON(tool, ["command": "echo fine"])
        #expect(allowed["stdout"] == "fine\n")
    }

    @Test func refusesWhenTooManyCommandsRun() async throws {
        let project = try TempProject()
        let tool = ShellTool(root: project.root, config: config { $0.maxConcurrentProcesses = 0 })
        let error = await callError(tool, ["command": "true"])
        guard case .unavailable? = error else {
            Issue.record("expected unavailable, got \(String(describing: error))")
            return
        }
    }

    @Test func reportsAShellThatCannotStart() async throws {
        let project = try TempProject()
        let tool = ShellTool(root: project.root, config: ShellConfig(shellPath: project.path + "/no-such-shell"))
        let error = await callError(tool, ["command": "true"])
        #expect(error?.description.contains("cannot start") == true, "\(String(describing: error))")
    }

    @Test func rejectsEmptyCommandsAndExcessiveTimeouts() async throws {
        let project = try TempProject()
        let tool = ShellTool(root: project.root, config: config())
        #expect(await callError(tool, ["command": "  "])?.isInvalidArguments == true)
        #expect(await callError(tool, ["command": "true", "timeout_secs": 100_000])?.isInvalidArguments == true)
        #expect(await callError(tool, ["command": "true", "timeout_secs": 0])?.isInvalidArguments == true)
    }
}
