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

/// Where the `MeerkatMCPTestServer` executable is: next to the test bundle (SwiftPM puts every product of a
/// build in one directory), else under `.build/debug` of the package.
enum MCPTestServer {
    static let executable: String = {
        let name = "MeerkatMCPTestServer"
        var candidates: [URL] = []
        let argumentZero = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        candidates.append(argumentZero.deletingLastPathComponent())
        candidates.append(argumentZero.deletingLastPathComponent().deletingLastPathComponent())
        if let bundle = Bundle.main.executableURL { candidates.append(bundle.deletingLastPathComponent()) }
        var package = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { package.deleteLastPathComponent() }
        candidates.append(package.appendingPathComponent(".build/debug"))
        for directory in candidates {
            let path = directory.appendingPathComponent(name).path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return package.appendingPathComponent(".build/debug/\(name)").path
    }()

    /// A stdio server entry running the test server with `arguments`.
    static func stdio(_ name: String, _ arguments: [String] = [], timeout: Double = 20) -> MCPServerConfig {
        .stdio(name, command: executable, args: arguments, connectTimeoutSeconds: timeout)
    }
}

/// The test server in `--http` mode as a child process; `stop()` kills it (so does deinit, as a fallback).
final class HTTPTestServerProcess: Sendable {
    let pid: pid_t
    let port: Int
    private let exit: OneShot<Void>

    /// Starts the server (on `port`, 0 for an ephemeral one) and waits for its `LISTENING <port>` line.
    init(port: Int = 0, arguments: [String] = []) async throws {
        let stdout = try PosixSpawn.makePipe()
        let devNull = open("/dev/null", O_WRONLY)
        defer { close(devNull) }
        let spawned: pid_t
        do {
            spawned = try PosixSpawn.spawn(
                executable: MCPTestServer.executable,
                arguments: [MCPTestServer.executable, "--http", "--port", String(port)] + arguments,
                workingDirectory: FileManager.default.currentDirectoryPath, stdout: stdout.write, stderr: devNull)
        } catch {
            close(stdout.read)
            close(stdout.write)
            throw error
        }
        close(stdout.write)
        let exit = OneShot<Void>()
        Thread {
            var status: Int32 = 0
            while waitpid(spawned, &status, 0) < 0 && errno == EINTR {}
            exit.complete(())
        }.start()
        let line = await Self.readLine(stdout.read)
        guard let line, line.hasPrefix("LISTENING "), let bound = Int(line.dropFirst("LISTENING ".count)) else {
            kill(spawned, SIGKILL)
            throw TestFailure("the HTTP test server did not start: \(line ?? "no output")")
        }
        self.pid = spawned
        self.port = bound
        self.exit = exit
    }

    /// `http://127.0.0.1:<port>/mcp`.
    var url: String { "http://127.0.0.1:\(port)/mcp" }

    /// Kills the server and waits until it has exited.
    func stop() async {
        if !exit.isComplete { kill(pid, SIGKILL) }
        await exit.wait()
    }

    /// Waits until the process has exited by itself.
    func exited() async {
        await exit.wait()
    }

    deinit {
        if !exit.isComplete { kill(pid, SIGKILL) }
    }

    /// Reads one line from `fd` on a plain thread, then closes `fd` (the server writes nothing more).
    private static func readLine(_ fd: Int32) async -> String? {
        await withCheckedContinuation { (continuation: CheckedContinuation<String?, Never>) in
            Thread {
                var bytes: [UInt8] = []
                var byte: UInt8 = 0
                while read(fd, &byte, 1) == 1, byte != UInt8(ascii: "\n") { bytes.append(byte) }
                close(fd)
                continuation.resume(returning: bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self))
            }.start()
        }
    }
}

/// A test failure with a message.
struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A `ToolClock` whose sleeps return at once (recording the durations), or wait for `release()` when gated.
final class RecordingClock: ToolClock {
    private struct State {
        var sleeps: [Duration] = []
        var gated: Bool
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    // Every access goes through `withLock`.
    private let state: Mutex<State>

    init(gated: Bool = false) {
        state = Mutex(State(gated: gated))
    }

    /// Every requested sleep, in order.
    var sleeps: [Duration] { state.withLock { $0.sleeps } }

    /// Lets current and future sleeps return.
    func release() {
        let waiters = state.withLock { state in
            state.gated = false
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    func sleep(for duration: Duration) async throws {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let wait = state.withLock { state -> Bool in
                state.sleeps.append(duration)
                if state.gated { state.waiters.append(continuation) }
                return state.gated
            }
            if !wait { continuation.resume() }
        }
        try Task.checkCancellation()
    }
}

/// Records a router's events and lets tests await the ones they expect (the timeout only bounds a failure).
actor RouterEventLog {
    private var events: [MCPRouterEvent] = []
    private var waiters:
        [(id: Int, predicate: @Sendable ([MCPRouterEvent]) -> Bool, resume: CheckedContinuation<Bool, Never>)] = []
    private var nextID = 0

    init(_ stream: AsyncStream<MCPRouterEvent>) {
        Task { [weak self] in
            for await event in stream { await self?.record(event) }
        }
    }

    /// Everything recorded so far.
    var all: [MCPRouterEvent] { events }

    /// Waits until `count` recorded events satisfy `predicate`; false when `limit` passes first.
    func waitFor(
        count: Int = 1, within limit: Duration = .seconds(30), _ predicate: @escaping @Sendable (MCPRouterEvent) -> Bool
    ) async -> Bool {
        let check: @Sendable ([MCPRouterEvent]) -> Bool = { $0.filter(predicate).count >= count }
        if check(events) { return true }
        nextID += 1
        let id = nextID
        let timer = Task {
            try? await Task.sleep(for: limit)
            self.expire(id)
        }
        defer { timer.cancel() }
        return await withCheckedContinuation { continuation in
            waiters.append((id, check, continuation))
        }
    }

    private func record(_ event: MCPRouterEvent) {
        events.append(event)
        let ready = waiters.filter { $0.predicate(events) }
        waiters.removeAll { $0.predicate(events) }
        for waiter in ready { waiter.resume.resume(returning: true) }
    }

    private func expire(_ id: Int) {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return }
        waiters.remove(at: index).resume.resume(returning: false)
    }
}

extension MCPRouterEvent {
    /// True for `.ready` of `server`.
    func isReady(_ server: String) -> Bool {
        if case .ready(server, _) = self { return true }
        return false
    }

    /// True for `.toolsChanged` to exactly `tools`.
    func offers(_ tools: [String]) -> Bool {
        if case .toolsChanged(let offered) = self { return offered == tools }
        return false
    }
}

/// A fresh temporary directory, removed when the value goes away.
final class TempDirectory: Sendable {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "meerkat-mcp-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    func write(_ relative: String, _ text: String) throws {
        let full = path + "/" + relative
        try FileManager.default.createDirectory(
            atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: full))
    }

    func read(_ relative: String) -> String? {
        FileManager.default.contents(atPath: path + "/" + relative).map { String(decoding: $0, as: UTF8.self) }
    }
}

/// Opens a FIFO for writing and closes it at once, on a plain thread (opening blocks until the reader opens it).
func openGate(_ fifo: String) {
    Thread {
        let fd = open(fifo, O_WRONLY)
        if fd >= 0 { close(fd) }
    }.start()
}

/// Connects, runs `body`, and closes the client whatever happens.
func withClient<T: Sendable>(
    _ server: MCPServerConfig, _ body: (MCPClient) async throws -> T
) async throws -> T {
    let client = try await MCPClient.connect(server)
    do {
        let value = try await body(client)
        await client.close()
        return value
    } catch {
        await client.close()
        throw error
    }
}

/// Starts a router, runs `body` with it and its event log, and shuts it down whatever happens.
func withRouter<T: Sendable>(
    _ servers: [MCPServerConfig], reconnect: MCPReconnectPolicy = MCPReconnectPolicy(),
    clock: RecordingClock = RecordingClock(), _ body: (MCPRouter, RouterEventLog) async throws -> T
) async throws -> T {
    let router = MCPRouter(servers: servers, reconnect: reconnect, clock: clock)
    let log = RouterEventLog(await router.events())
    await router.start()
    do {
        let value = try await body(router, log)
        await router.shutdown()
        return value
    } catch {
        await router.shutdown()
        throw error
    }
}

/// Live (non-zombie) processes whose command line contains `marker` as an argument.
func liveProcesses(withArgument marker: String) -> [pid_t] {
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
    return entries.compactMap { entry -> pid_t? in
        guard let pid = pid_t(entry),
            let data = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline"),
            data.split(separator: 0).contains(where: { String(decoding: $0, as: UTF8.self) == marker })
        else { return nil }
        return processIsGone(pid) ? nil : pid
    }
}
