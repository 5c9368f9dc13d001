import Dispatch
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Runs one command in its own process group and makes sure nothing of that group outlives the call.
///
/// The command is the leader of a new process group, so everything it starts (pipelines, `&` jobs,
/// grandchildren) shares the group and is signalled together. On timeout or task cancellation the group gets
/// SIGTERM, then SIGKILL after `killGracePeriod`. When the command ends on its own, leftover members (e.g.
/// background jobs) get the same treatment before the call returns. The leader is reaped only after the
/// last group signal, so its pid — the group id — cannot be reused by an unrelated process in between.
/// Processes that leave the group (`setsid`) are out of reach; their open pipes are abandoned after
/// `drainLimit`.
struct ProcessGroupRunner: Sendable {
    /// How the command ended.
    struct Result: Sendable {
        /// Exit status when the command exited normally.
        var exitCode: Int32?
        /// Signal number when it was killed by a signal.
        var signal: Int32?
        var stdout: String
        var stderr: String
        var stdoutTruncated: Bool
        var stderrTruncated: Bool
        var timedOut: Bool
        var cancelled: Bool
        var duration: Duration
    }

    var executable: String
    /// The full argv, argv[0] included.
    var arguments: [String]
    var workingDirectory: String
    var timeout: Duration
    var clock: any ToolClock
    var killGracePeriod: Duration
    /// Characters kept of each stream (the tail).
    var outputCharacterLimit: Int
    /// How long to wait for the pipes to close after the group was killed.
    var drainLimit: Duration = .seconds(1)

    private enum End: Sendable {
        case exited
        case timedOut
        case cancelled
    }

    /// Runs the command to completion, timeout or cancellation.
    func run() async throws(PosixSpawn.Failure) -> Result {
        var pipes: [(read: Int32, write: Int32)] = []
        do {
            // stdout, stderr, and the collector's wake-up pipe.
            for _ in 0..<3 { pipes.append(try PosixSpawn.makePipe()) }
        } catch {
            for pipe in pipes { close(pipe.read); close(pipe.write) }
            throw error
        }
        let (stdoutPipe, stderrPipe, wakePipe) = (pipes[0], pipes[1], pipes[2])
        let pid: pid_t
        do {
            pid = try PosixSpawn.spawn(
                executable: executable, arguments: arguments, workingDirectory: workingDirectory,
                stdout: stdoutPipe.write, stderr: stderrPipe.write)
        } catch {
            for pipe in pipes { close(pipe.read); close(pipe.write) }
            throw error
        }
        let collector = OutputCollector(
            stdout: stdoutPipe.read, stderr: stderrPipe.read, wake: wakePipe, characterLimit: outputCharacterLimit)
        // Only the child may hold the write ends, or end-of-file would never come.
        close(stdoutPipe.write)
        close(stderrPipe.write)
        let started = ContinuousClock.now
        collector.start()
        let exited = Self.watchExit(of: pid)

        let clock = self.clock
        let timeout = self.timeout
        let grace = killGracePeriod
        let end = await withTaskGroup(of: End.self) { group in
            group.addTask {
                await exited.wait()
                return .exited
            }
            group.addTask {
                do {
                    try await clock.sleep(for: timeout)
                    return .timedOut
                } catch {
                    return .cancelled
                }
            }
            let first = await group.next() ?? .cancelled
            if case .exited = first {
                group.cancelAll()
            } else {
                await Self.terminate(group: pid, exited: exited, grace: grace)
            }
            return first
        }
        let duration = ContinuousClock.now - started

        // Leftover members (background jobs) go too; the leader is still unreaped, so `pid` is still our group.
        kill(-pid, SIGTERM)
        if await collector.finished.wait(timeout: grace) == nil {
            kill(-pid, SIGKILL)
            if await collector.finished.wait(timeout: drainLimit) == nil {
                collector.stop()
                await collector.finished.wait()
            }
        } else {
            kill(-pid, SIGKILL)
        }
        let status = Self.reap(pid)

        let output = collector.output
        let exitedNormally = (status & 0x7F) == 0
        return Result(
            exitCode: exitedNormally ? (status >> 8) & 0xFF : nil,
            signal: exitedNormally ? nil : status & 0x7F,
            stdout: output.stdout.text, stderr: output.stderr.text,
            stdoutTruncated: output.stdout.truncated, stderrTruncated: output.stderr.truncated,
            timedOut: end == .timedOut, cancelled: end == .cancelled, duration: duration)
    }

    /// SIGTERM to the group, then SIGKILL if the leader has not exited within `grace`; returns once it exited.
    private static func terminate(group pid: pid_t, exited: OneShot<Void>, grace: Duration) async {
        kill(-pid, SIGTERM)
        if await exited.wait(timeout: grace) == nil {
            kill(-pid, SIGKILL)
            await exited.wait()
        }
    }

    /// Completes when `pid` has exited, without reaping it (`WNOWAIT`), so its pid stays reserved.
    private static func watchExit(of pid: pid_t) -> OneShot<Void> {
        let exited = OneShot<Void>()
        let thread = Thread {
            var info = siginfo_t()
            while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) != 0, errno == EINTR {}
            exited.complete(())
        }
        thread.name = "meerkat-shell-wait"
        thread.start()
        return exited
    }

    /// Collects the exit status of an exited child.
    private static func reap(_ pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        return status
    }
}
