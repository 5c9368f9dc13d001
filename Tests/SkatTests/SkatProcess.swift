import Foundation
import MeerkatCore
import MeerkatTesting
import Synchronization

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

/// A project folder, a HOME and an environment for running `skat` against a mock provider.
struct SkatSandbox: Sendable {
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

    /// Starts `skat` with arguments; stdin is a pipe the caller may write to and close.
    func start(_ arguments: [String]) throws -> SkatRunning {
        try SkatRunning(arguments: arguments, directory: project, environment: environment)
    }

    /// The sandbox's HOME.
    var home: URL { root.appendingPathComponent("home") }

    /// Runs `skat` to completion with stdin closed (in `directory`, default the project folder).
    func run(
        _ arguments: [String], stdin: String? = nil, in directory: URL? = nil, environment extra: [String: String] = [:]
    ) async throws -> SkatResult {
        let running = try SkatRunning(
            arguments: arguments, directory: directory ?? project,
            environment: environment.merging(extra) { _, new in new })
        if let stdin { running.write(stdin) }
        running.closeInput()
        return await running.finish()
    }
}

/// A running `skat` process.
final class SkatRunning: Sendable {
    let process: Process
    private let input = Pipe()
    private let output = Pipe()
    private let errors = Pipe()
    /// Output captured by the pipe handlers (a class so the handlers can share it).
    private final class Collected: Sendable {
        let value = Mutex((out: Data(), err: Data()))
    }

    private let collected = Collected()
    private let exited: AsyncStream<Int32>

    init(arguments: [String], directory: URL, environment: [String: String]) throws {
        process = Process()
        process.executableURL = SkatBinary.url
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.environment = environment
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        let (stream, continuation) = AsyncStream<Int32>.makeStream()
        exited = stream
        let collected = self.collected
        output.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            collected.value.withLock { $0.out.append(data) }
        }
        errors.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            collected.value.withLock { $0.err.append(data) }
        }
        process.terminationHandler = { process in
            continuation.yield(process.terminationStatus)
            continuation.finish()
        }
        try process.run()
    }

    func write(_ text: String) {
        input.fileHandleForWriting.write(Data(text.utf8))
    }

    func closeInput() {
        try? input.fileHandleForWriting.close()
    }

    /// Writes to stdin without trapping when the process is gone (ignore SIGPIPE first); false when the write failed.
    @discardableResult
    func send(_ text: String) -> Bool {
        (try? input.fileHandleForWriting.write(contentsOf: Data(text.utf8))) != nil
    }

    /// Sends SIGKILL (reap it with `finish()`).
    func killNow() {
        kill(process.processIdentifier, SIGKILL)
    }

    func interrupt() {
        kill(process.processIdentifier, SIGINT)
    }

    /// Stdout so far.
    var stdoutSoFar: String { collected.value.withLock { String(decoding: $0.out, as: UTF8.self) } }

    /// Waits for exit (killing the process after 60 s, which only a broken test reaches).
    func finish() async -> SkatResult {
        let process = self.process
        let watchdog = Task {
            try? await Task.sleep(for: .seconds(60))
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
        var status: Int32 = -1
        for await code in exited { status = code }
        watchdog.cancel()
        // Drain what is left in the pipes.
        output.fileHandleForReading.readabilityHandler = nil
        errors.fileHandleForReading.readabilityHandler = nil
        let restOut = (try? output.fileHandleForReading.readToEnd()) ?? Data()
        let restErr = (try? errors.fileHandleForReading.readToEnd()) ?? Data()
        let (out, err) = collected.value.withLock { ($0.out + restOut, $0.err + restErr) }
        return SkatResult(
            status: status, stdout: String(decoding: out, as: UTF8.self), stderr: String(decoding: err, as: UTF8.self))
    }
}
