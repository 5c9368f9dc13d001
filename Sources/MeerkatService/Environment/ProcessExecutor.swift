import NIOCore
import NIOPosix
import Synchronization

/// Which executor runs the process's Swift tasks: Swift's own global executor (the default), or the event loops of
/// NIO's shared group, the ones the provider HTTP client and the servers already do their I/O on.
///
/// With `nio`, a streamed chunk that arrives on an event loop resumes the run's task on that same thread instead of
/// waking a thread of Swift's pool: a run made about 24 thread switches on Swift's executor and about one on NIO's,
/// and costs about a third less CPU (docs/performance.md). Two prices:
/// - a job enqueued from an event loop stays on it, so concurrent sessions crowd onto few threads: with many sessions
///   at once, throughput falls (10,000 concurrent turns: about 1,460 turns/s on `swift`, 440 on `nio`), so servers
///   keep `swift`;
/// - a task that blocks its thread blocks an event loop and the I/O queued behind it (a thread that waits for a child
///   process, or for a server in the same process, can deadlock). Meerkat's own blocking is a SQLite commit on the
///   caller's thread (tens of microseconds; up to the busy timeout when another process holds the realm's write
///   lock, on either executor).
/// So `nio` suits one session at a time in a process whose code never blocks, such as `skat run`.
public enum ProcessExecutor: String, Sendable, CaseIterable {
    /// Swift's global concurrent executor.
    case swift
    /// NIO's `MultiThreadedEventLoopGroup.singleton`, installed as Swift's global executor.
    case nio

    /// The environment variable that picks the executor of `skat` and of `meerkat-bench`.
    public static let environmentVariable = "MEERKAT_EXECUTOR"

    /// The executor `environment` asks for: `fallback` when the variable is unset or empty.
    public static func chosen(environment: [String: String], fallback: ProcessExecutor = .swift)
        throws(ProcessExecutorError) -> ProcessExecutor
    {
        guard let value = environment[environmentVariable], !value.isEmpty else { return fallback }
        guard let executor = ProcessExecutor(rawValue: value) else { throw .unknown(value) }
        return executor
    }

    /// Installs this executor for the whole process; returns false when it could not be installed (Swift's
    /// executor stays). `swift` installs nothing.
    ///
    /// Call it once, from the main thread, before any task was started: first thing in `main`.
    @discardableResult
    public func install() -> Bool {
        switch self {
        case .swift: return true
        case .nio:
            guard NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor() else {
                return false
            }
            Self.current.withLock { $0 = .nio }
            return true
        }
    }

    /// The executor running this process's tasks: `nio` once `install()` installed it, else `swift`.
    public static var installed: ProcessExecutor { current.withLock { $0 } }

    private static let current = Mutex(ProcessExecutor.swift)
}

/// A `MEERKAT_EXECUTOR` value that names no executor.
public enum ProcessExecutorError: Error, Equatable, CustomStringConvertible {
    case unknown(String)

    public var description: String {
        switch self {
        case .unknown(let value):
            let known = ProcessExecutor.allCases.map { "'\($0.rawValue)'" }.joined(separator: " or ")
            return "\(ProcessExecutor.environmentVariable): unknown executor '\(value)'; expected \(known)"
        }
    }
}
