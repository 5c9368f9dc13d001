import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A stdio MCP server process: started as the leader of its own process group, with a writer for its stdin,
/// a reader for its stdout/stderr and a thread that reaps it.
///
/// `terminate` follows the MCP shutdown order: close stdin, wait, SIGTERM the group, wait, SIGKILL the group.
final class MCPChildProcess: Sendable {
    /// The process id (also its process group id).
    let pid: pid_t
    /// The raw `waitpid` status, once the process has exited.
    let exitStatus = OneShot<Int32>()
    private let writer: MCPPipeWriter
    private let reader: MCPProcessReader

    private init(pid: pid_t, writer: MCPPipeWriter, reader: MCPProcessReader) {
        self.pid = pid
        self.writer = writer
        self.reader = reader
    }

    /// Starts `executable` (a path) with `arguments` (without argv[0]) and `environment`; stdout lines go to
    /// `onLine`, and `onEnd` runs once stdout is closed or the process has exited and its output is read.
    static func launch(
        executable: String, arguments: [String], environment: [String: String],
        onLine: @escaping @Sendable (Data) -> Void, onEnd: @escaping @Sendable () -> Void
    ) throws(PosixSpawn.Failure) -> MCPChildProcess {
        let stdin = try PosixSpawn.makePipe()
        let stdout: (read: Int32, write: Int32)
        let stderr: (read: Int32, write: Int32)
        let wake: (read: Int32, write: Int32)
        do {
            stdout = try PosixSpawn.makePipe()
        } catch {
            closeAll([stdin.read, stdin.write])
            throw error
        }
        do {
            stderr = try PosixSpawn.makePipe()
        } catch {
            closeAll([stdin.read, stdin.write, stdout.read, stdout.write])
            throw error
        }
        do {
            wake = try PosixSpawn.makePipe()
        } catch {
            closeAll([stdin.read, stdin.write, stdout.read, stdout.write, stderr.read, stderr.write])
            throw error
        }
        let pid: pid_t
        do {
            pid = try PosixSpawn.spawn(
                executable: executable, arguments: [executable] + arguments,
                workingDirectory: FileManager.default.currentDirectoryPath, stdin: stdin.read, stdout: stdout.write,
                stderr: stderr.write,
                environment: environment.keys.sorted().map { "\($0)=\(environment[$0] ?? "")" })
        } catch {
            closeAll([
                stdin.read, stdin.write, stdout.read, stdout.write, stderr.read, stderr.write, wake.read, wake.write,
            ])
            throw error
        }
        closeAll([stdin.read, stdout.write, stderr.write])
        let reader = MCPProcessReader(
            stdout: stdout.read, stderr: stderr.read, wake: wake, onLine: onLine, onEnd: onEnd)
        let process = MCPChildProcess(pid: pid, writer: MCPPipeWriter(fd: stdin.write), reader: reader)
        process.writer.start()
        reader.start()
        let reaper = Thread { [process] in
            var status: Int32 = 0
            while waitpid(process.pid, &status, 0) < 0 && errno == EINTR {}
            process.exitStatus.complete(status)
            process.reader.stop()
        }
        reaper.name = "meerkat-mcp-reaper"
        reaper.start()
        return process
    }

    /// Writes bytes to the server's stdin.
    func write(_ bytes: Data) async throws(MCPClientError) {
        try await writer.write(bytes)
    }

    /// The last few KiB of the server's stderr.
    var stderrText: String { reader.stderrText }

    /// `exited with status N` / `killed by signal N`, once the process has exited.
    func exitDescription(waiting limit: Duration) async -> String? {
        guard let status = await exitStatus.wait(timeout: limit) else { return nil }
        let low = status & 0x7F
        return low == 0 ? "exited with status \((status >> 8) & 0xFF)" : "killed by signal \(low)"
    }

    /// Ends the process: closes stdin, then SIGTERM and finally SIGKILL to its group, each after `grace`.
    func terminate(grace: Duration) async {
        writer.finish()
        if await exitStatus.wait(timeout: grace) != nil { return }
        kill(-pid, SIGTERM)
        if await exitStatus.wait(timeout: grace) != nil { return }
        kill(-pid, SIGKILL)
        _ = await exitStatus.wait()
    }

    private static func closeAll(_ descriptors: [Int32]) {
        for descriptor in descriptors { close(descriptor) }
    }
}
