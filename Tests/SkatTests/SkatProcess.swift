import Foundation
import MeerkatCore
import MeerkatTesting
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The built `skat` executable (next to the test bundle in the build folder).
enum SkatBinary {
    static let url: URL = {
        var candidates: [URL] = []
        let argv0 = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        candidates.append(argv0.deletingLastPathComponent())
        candidates.append(argv0.deletingLastPathComponent().deletingLastPathComponent())
        candidates.append(Bundle.main.bundleURL.deletingLastPathComponent())
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        candidates.append(packageRoot.appendingPathComponent(".build/debug"))
        for directory in candidates {
            let binary = directory.appendingPathComponent("skat")
            if FileManager.default.isExecutableFile(atPath: binary.path) { return binary }
        }
        return packageRoot.appendingPathComponent(".build/debug/skat")
    }()
}

/// What a finished `skat` process printed.
struct SkatResult: Sendable {
    var status: Int32
    var stdout: String
    var stderr: String

    /// Every stdout line parsed as a JSON object.
    var jsonLines: [[String: JSONValue]] {
        stdout.split(separator: "\n").compactMap { try? JSONValue.parse(String($0)).objectValue }
    }
}

/// A project folder, a HOME and an environment for running `skat` against a mock provider. The folder is removed
/// when the sandbox goes away (a running `skat` keeps its sandbox alive).
final class SkatSandbox: Sendable {
    let root: URL
    let project: URL
    let environment: [String: String]

    init(mockBaseURL: String, extraEnvironment: [String: String] = [:]) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("skat-e2e-\(UUID().uuidString.prefix(8))")
        project = root.appendingPathComponent("project")
        let home = root.appendingPathComponent("home")
        try FileManager.default.createDirectory(
            at: project.appendingPathComponent(".skat"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        try "hello from the project\n".write(
            to: project.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
        var environment = ["HOME": home.path, "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"]
        // Discovery stays inside the sandbox, whatever the machine's temporary folder holds above it.
        environment["SKAT_CEILING_DIRECTORIES"] = root.path
        environment["OPENAI_BASE_URL"] = mockBaseURL + "/v1"
        environment["OPENAI_API_KEY"] = "test-key"
        environment.merge(extraEnvironment) { _, new in new }
        self.environment = environment
    }

    deinit {
        try? FileManager.default.removeItem(at: root)
    }

    /// Starts `skat` with arguments; stdin is a pipe the caller may write to and close.
    func start(_ arguments: [String], environment overrides: [String: String] = [:]) throws -> SkatRunning {
        try SkatRunning(
            arguments: arguments, directory: project,
            environment: environment.merging(overrides) { _, new in new }, sandbox: self)
    }

    /// The sandbox's HOME.
    var home: URL { root.appendingPathComponent("home") }

    /// Runs `skat` to completion with stdin closed (in `directory`, default the project folder).
    func run(
        _ arguments: [String], stdin: String? = nil, in directory: URL? = nil, environment extra: [String: String] = [:]
    ) async throws -> SkatResult {
        let running = try SkatRunning(
            arguments: arguments, directory: directory ?? project,
            environment: environment.merging(extra) { _, new in new }, sandbox: self)
        if let stdin { running.write(stdin) }
        running.closeInput()
        return await running.finish()
    }
}

/// Fires once; `wait()` returns at once after that (an exit or an end of file, signalled from a plain thread).
private final class Latch: Sendable {
    private let state = Mutex((fired: false, waiters: [CheckedContinuation<Void, Never>]()))

    func fire() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            guard !state.fired else { return [] }
            state.fired = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    var fired: Bool { state.withLock { $0.fired } }

    func wait() async {
        await withCheckedContinuation { continuation in
            let resumeNow = state.withLock { state -> Bool in
                if state.fired { return true }
                state.waiters.append(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }
}

/// Reads one pipe on its own thread until end of file (or `stop()`), then closes it.
///
/// A plain thread blocked in `poll`, not Foundation's `readabilityHandler`: that handler is a dispatch read source,
/// and tearing many of them down while their descriptors close and get reused crashed libdispatch's manager thread
/// (signal 11 in `_dispatch_event_loop_drain`, swiftlang/swift-subprocess#47). Reading never blocks a task either.
private final class PipeReader: Sendable {
    private let data = Mutex(Data())
    private let stopRequested = Mutex(false)
    /// Fired once the descriptor is closed and `data` is complete.
    let ended = Latch()

    init(descriptor: Int32) {
        let thread = Thread { [self] in run(descriptor) }
        thread.name = "skat-test-pipe"
        thread.start()
    }

    private func run(_ descriptor: Int32) {
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            // A short timeout so that `stop()` is noticed when a grandchild keeps the write end open.
            let ready = poll(&poller, 1, 50)
            if ready == 0 {
                if stopRequested.withLock({ $0 }) { break }
                continue
            }
            if ready < 0 {
                if errno == EINTR { continue }
                break
            }
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count > 0 {
                data.withLock { $0.append(contentsOf: buffer[0..<count]) }
                wakeWatchers()
            } else if count == 0 || (errno != EINTR && errno != EAGAIN) {
                break
            }
        }
        close(descriptor)
        ended.fire()
        wakeWatchers()
    }

    /// Continuations waiting for more output (resumed after every read and at end of file).
    private let watchers = Mutex([CheckedContinuation<Void, Never>]())

    private func wakeWatchers() {
        let waiting = watchers.withLock { watchers in
            defer { watchers = [] }
            return watchers
        }
        for watcher in waiting { watcher.resume() }
    }

    /// Waits until the output so far satisfies `predicate` (or the pipe ended) and returns it.
    func wait(until predicate: (String) -> Bool) async -> String {
        while true {
            let current = text
            if predicate(current) || ended.fired { return current }
            await withCheckedContinuation { continuation in
                // Registered under the lock, then re-checked: output that arrived in between is not missed.
                let resumeNow = watchers.withLock { watchers -> Bool in
                    if text.count != current.count || ended.fired { return true }
                    watchers.append(continuation)
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        }
    }

    /// What was read so far.
    var text: String { data.withLock { String(decoding: $0, as: UTF8.self) } }

    /// Waits for end of file, at most `grace` (a grandchild may hold the pipe open), and returns everything read.
    func finish(grace: Duration) async -> String {
        let stopper = Task { [self] in
            try await Task.sleep(for: grace)
            stopRequested.withLock { $0 = true }
        }
        await ended.wait()
        stopper.cancel()
        return text
    }
}

/// Thin `posix_spawn` helpers for the test's children (the shape of `MeerkatTools`' `PosixSpawn`, which this target
/// cannot import): close-on-exec pipes, a working directory, and no descriptor of the test process leaking in.
private enum ChildSpawn {
    #if os(Linux)
        typealias FileActions = posix_spawn_file_actions_t
        typealias Attributes = posix_spawnattr_t
        private typealias AddChdir =
            @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32
        private typealias AddCloseFrom =
            @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        private typealias Pipe2 = @convention(c) (UnsafeMutablePointer<Int32>, Int32) -> Int32
        // Declared only under _GNU_SOURCE, which the Glibc module does not set.
        private static let addChdir: AddChdir? = dlsym(nil, "posix_spawn_file_actions_addchdir_np").map {
            unsafeBitCast($0, to: AddChdir.self)
        }
        private static let addCloseFrom: AddCloseFrom? = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np").map {
            unsafeBitCast($0, to: AddCloseFrom.self)
        }
        private static let pipe2: Pipe2? = dlsym(nil, "pipe2").map { unsafeBitCast($0, to: Pipe2.self) }
    #else
        typealias FileActions = posix_spawn_file_actions_t?
        typealias Attributes = posix_spawnattr_t?
    #endif

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func makePipe() throws -> (read: Int32, write: Int32) {
        var fds: [Int32] = [-1, -1]
        #if os(Linux)
            if let pipe2 {
                guard pipe2(&fds, O_CLOEXEC) == 0 else { throw Failure(description: "pipe2: errno \(errno)") }
                return (fds[0], fds[1])
            }
        #endif
        guard pipe(&fds) == 0 else { throw Failure(description: "pipe: errno \(errno)") }
        _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
        return (fds[0], fds[1])
    }

    static func spawn(
        executable: String, arguments: [String], directory: String, environment: [String: String],
        stdin: Int32, stdout: Int32, stderr: Int32
    ) throws -> pid_t {
        var actions = FileActions()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, stdin, 0)
        posix_spawn_file_actions_adddup2(&actions, stdout, 1)
        posix_spawn_file_actions_adddup2(&actions, stderr, 2)
        #if os(Linux)
            guard let addChdir, addChdir(&actions, directory) == 0 else {
                throw Failure(description: "cannot set the working directory \(directory)")
            }
            _ = addCloseFrom?(&actions, 3)
        #else
            guard posix_spawn_file_actions_addchdir_np(&actions, directory) == 0 else {
                throw Failure(description: "cannot set the working directory \(directory)")
            }
        #endif
        var attributes = Attributes()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // The test process ignores SIGPIPE; the child starts with default dispositions and an empty mask.
        var defaults = sigset_t()
        sigfillset(&defaults)
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        var argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var envp: [UnsafeMutablePointer<CChar>?] =
            environment.keys.sorted().map { strdup("\($0)=\(environment[$0] ?? "")") } + [nil]
        defer { for pointer in envp { free(pointer) } }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, executable, &actions, &attributes, &argv, &envp)
        guard status == 0 else {
            throw Failure(description: "cannot start \(executable): \(String(cString: strerror(status)))")
        }
        return pid
    }
}

/// A running `skat` process, started with `posix_spawn` and watched by plain threads: no Foundation `Process` and no
/// dispatch source is involved, so a test run cannot trip libdispatch's process and pipe handling.
final class SkatRunning: Sendable {
    private let pid: pid_t
    private let stdinFD: Int32
    private let out: PipeReader
    private let err: PipeReader
    /// The `waitpid` status once the child was reaped (a class, so the reaper thread can share it).
    private final class ExitRecord: Sendable {
        let status = Mutex<Int32?>(nil)
    }

    private let record = ExitRecord()
    /// Guards the stdin descriptor against a write after close and a double close.
    private let stdinClosed = Mutex(false)
    private let exited = Latch()

    /// Kept so the sandbox's folder outlives the process running in it.
    private let sandbox: SkatSandbox?

    init(arguments: [String], directory: URL, environment: [String: String], sandbox: SkatSandbox? = nil) throws {
        self.sandbox = sandbox
        // Writes to the stdin of a child that already died must fail with EPIPE, not kill the test process.
        signal(SIGPIPE, SIG_IGN)
        var opened: [Int32] = []
        do {
            let input = try ChildSpawn.makePipe()
            opened += [input.read, input.write]
            let output = try ChildSpawn.makePipe()
            opened += [output.read, output.write]
            let errors = try ChildSpawn.makePipe()
            opened += [errors.read, errors.write]
            pid = try ChildSpawn.spawn(
                executable: SkatBinary.url.path, arguments: arguments, directory: directory.path,
                environment: environment, stdin: input.read, stdout: output.write, stderr: errors.write)
            // Only the child keeps its ends, or end of file would never come.
            close(input.read)
            close(output.write)
            close(errors.write)
            stdinFD = input.write
            out = PipeReader(descriptor: output.read)
            err = PipeReader(descriptor: errors.read)
        } catch {
            for descriptor in opened { close(descriptor) }
            throw error
        }
        let (pid, record, exited) = (pid, record, exited)
        let reaper = Thread {
            // Wait for the exit without reaping, then reap under the lock `signalChild` takes: a signal can only
            // reach this child, never a process that reused its pid.
            var info = siginfo_t()
            while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) != 0 && errno == EINTR {}
            record.status.withLock { status in
                var raw: Int32 = 0
                while waitpid(pid, &raw, 0) < 0 && errno == EINTR {}
                status = raw
            }
            exited.fire()
        }
        reaper.name = "skat-test-reaper"
        reaper.start()
    }

    /// True until the child was reaped.
    var isRunning: Bool { !exited.fired }

    func write(_ text: String) {
        send(text)
    }

    func closeInput() {
        stdinClosed.withLock { closed in
            guard !closed else { return }
            closed = true
            close(stdinFD)
        }
    }

    /// Writes to stdin; false when the write failed (the process is gone or its stdin was closed).
    @discardableResult
    func send(_ text: String) -> Bool {
        stdinClosed.withLock { closed -> Bool in
            guard !closed else { return false }
            var bytes = Array(text.utf8)[...]
            while !bytes.isEmpty {
                let written = bytes.withUnsafeBytes { systemWrite(stdinFD, $0.baseAddress, $0.count) }
                if written < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                bytes = bytes.dropFirst(written)
            }
            return true
        }
    }

    /// Sends SIGKILL (reap it with `finish()`).
    func killNow() {
        signalChild(SIGKILL)
    }

    func interrupt() {
        signalChild(SIGINT)
    }

    /// Sends SIGTERM (a graceful stop for `skat serve`).
    func terminate() {
        signalChild(SIGTERM)
    }

    /// Signals the child unless it was reaped already (its pid may belong to another process by then).
    private func signalChild(_ signal: Int32) {
        record.status.withLock { status in
            if status == nil { kill(pid, signal) }
        }
    }

    /// Stdout so far.
    var stdoutSoFar: String { out.text }

    /// Waits until stdout satisfies `predicate` (or ended) and returns it.
    func waitForStdout(until predicate: (String) -> Bool) async -> String {
        await out.wait(until: predicate)
    }

    /// Waits for exit (killing the process after 60 s, which only a broken test reaches).
    func finish() async -> SkatResult {
        let watchdog = Task { [self] in
            try await Task.sleep(for: .seconds(60))
            killNow()
        }
        await exited.wait()
        watchdog.cancel()
        closeInput()
        let stdout = await out.finish(grace: .seconds(2))
        let stderr = await err.finish(grace: .seconds(2))
        let raw = record.status.withLock { $0 } ?? -1
        // Like `Process.terminationStatus`: the exit code, or the signal number when the child was killed.
        let code = (raw & 0x7F) == 0 ? (raw >> 8) & 0xFF : raw & 0x7F
        return SkatResult(status: code, stdout: stdout, stderr: stderr)
    }
}

/// `write(2)` (the name is shadowed inside `SkatRunning`).
private func systemWrite(_ descriptor: Int32, _ buffer: UnsafeRawPointer?, _ count: Int) -> Int {
    write(descriptor, buffer, count)
}
