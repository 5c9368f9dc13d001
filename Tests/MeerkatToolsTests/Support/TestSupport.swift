import Foundation
import MeerkatCore
import Testing

@testable import MeerkatTools

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A fresh project directory under the system temp directory, removed when the value goes away.
final class TempProject {
    /// Canonical path of the project directory.
    let path: String
    /// A sibling directory outside the project, for escape attempts.
    let outside: String
    let root: ProjectRoot
    private let base: String

    init() throws {
        let base = NSTemporaryDirectory() + "meerkat-tools-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: base + "/project", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: base + "/outside", withIntermediateDirectories: true)
        root = try ProjectRoot(base + "/project")
        path = root.path
        outside = (root.path as NSString).deletingLastPathComponent + "/outside"
        self.base = base
    }

    deinit {
        try? FileManager.default.removeItem(atPath: base)
    }

    /// Writes a text file below the project, creating directories.
    func write(_ relative: String, _ content: String) throws {
        try writeBytes(relative, Array(content.utf8))
    }

    /// Writes bytes below the project, creating directories.
    func writeBytes(_ relative: String, _ bytes: [UInt8]) throws {
        let full = path + "/" + relative
        try FileManager.default.createDirectory(
            atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(bytes).write(to: URL(fileURLWithPath: full))
    }

    /// The text of a project file, or nil when missing.
    func read(_ relative: String) -> String? {
        FileManager.default.contents(atPath: path + "/" + relative).map { String(decoding: $0, as: UTF8.self) }
    }

    /// True when a project path exists.
    func exists(_ relative: String) -> Bool {
        FileManager.default.fileExists(atPath: path + "/" + relative)
    }

    /// Creates a symbolic link at `relative` pointing to `target`.
    func link(_ relative: String, to target: String) throws {
        try FileManager.default.createSymbolicLink(atPath: path + "/" + relative, withDestinationPath: target)
    }
}

/// A call context for tests.
func testContext(session: SessionID = SessionID(), signal: YieldSignal = YieldSignal()) -> ToolCallContext {
    ToolCallContext(sessionID: session, runID: nil, toolUseID: "toolu_test", yieldSignal: signal)
}

/// Calls a tool and returns its text output.
func callText(_ tool: some Tool, _ arguments: JSONValue, context: ToolCallContext = testContext()) async throws
    -> String
{
    let output = try await tool.call(arguments, context: context)
    return output.content.map(\.textProjection).joined(separator: "\n")
}

/// Calls a tool whose output is JSON text and returns the parsed value.
func callJSON(_ tool: some Tool, _ arguments: JSONValue, context: ToolCallContext = testContext()) async throws
    -> JSONValue
{
    try JSONValue.parse(try await callText(tool, arguments, context: context))
}

/// The `ToolError` a call throws, or nil when it succeeds.
func callError(_ tool: some Tool, _ arguments: JSONValue, context: ToolCallContext = testContext()) async
    -> ToolError?
{
    do {
        _ = try await tool.call(arguments, context: context)
        return nil
    } catch let error as ToolError {
        return error
    } catch {
        Issue.record("expected a ToolError, got \(error)")
        return nil
    }
}

extension ToolError {
    /// True for `.accessDenied`.
    var isAccessDenied: Bool { if case .accessDenied = self { true } else { false } }
    /// True for `.invalidArguments`.
    var isInvalidArguments: Bool { if case .invalidArguments = self { true } else { false } }
}

/// Waits until `pid` has exited, at most `limit`; true when it has.
///
/// A SIGKILLed process closes its files (which is what lets the shell tool return) a moment before it turns
/// into a zombie, so right after the call a killed grandchild may still be finishing its exit. This waits for
/// the kernel's exit notification through a pidfd — an event, not a guessed delay; the limit only bounds a
/// failure.
func processExits(_ pid: pid_t, within limit: Duration = .seconds(5)) -> Bool {
    #if os(Linux)
        typealias PidfdOpen = @convention(c) (pid_t, UInt32) -> Int32
        if let symbol = dlsym(nil, "pidfd_open") {
            let pidfdOpen = unsafeBitCast(symbol, to: PidfdOpen.self)
            let fd = pidfdOpen(pid, 0)
            guard fd >= 0 else { return errno == ESRCH }
            defer { close(fd) }
            var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let milliseconds = Int32(limit.components.seconds * 1000)
            while true {
                let ready = poll(&descriptor, 1, milliseconds)
                if ready < 0, errno == EINTR { continue }
                return ready == 1 && processIsGone(pid)
            }
        }
    #endif
    return processIsGone(pid)
}

/// True when `pid` no longer runs. A killed process whose parent is gone may linger as a zombie when PID 1
/// does not reap orphans (as in some containers); a zombie runs nothing, so it counts as gone.
func processIsGone(_ pid: pid_t) -> Bool {
    if kill(pid, 0) != 0 { return errno == ESRCH }
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return true }
    let state = stat.split(separator: ")").last?.split(separator: " ").first
    return state == "Z" || state == "X"
}

/// Reads a FIFO to its end on a plain thread: opening blocks until a writer appears, reading until the
/// writer closes it.
func readFIFO(_ path: String) async -> String {
    await withCheckedContinuation { (continuation: CheckedContinuation<String, Never>) in
        Thread {
            var bytes: [UInt8] = []
            let fd = open(path, O_RDONLY)
            if fd >= 0 {
                var buffer = [UInt8](repeating: 0, count: 256)
                while true {
                    let count = read(fd, &buffer, buffer.count)
                    if count > 0 {
                        bytes.append(contentsOf: buffer[0..<count])
                    } else if count == 0 || errno != EINTR {
                        break
                    }
                }
                close(fd)
            }
            continuation.resume(returning: String(decoding: bytes, as: UTF8.self))
        }.start()
    }
}
