import NIOCore
import NIOPosix
import Synchronization

/// Which executor runs the process's Swift tasks: Swift's own global executor (a library host's default), or the
/// event loops of NIO's shared group, the ones the provider HTTP client and the servers already do their I/O on
/// (`skat`'s default, servers included).
///
/// With `nio`, a streamed chunk that arrives on an event loop resumes the run's task on that same thread instead of
/// waking a thread of Swift's pool: a run made about 24 thread switches on Swift's executor and about one on NIO's,
/// and costs about a third less CPU (docs/performance.md). The price: a task that blocks its thread now blocks an
/// event loop and the I/O queued behind it. Meerkat's own blocking is short (a SQLite commit on the caller's thread,
/// tens of microseconds), except when another process holds the realm's write lock: a commit then waits up to the
/// busy timeout (5 s), on either executor. A host whose own code blocks (synchronous file or network calls in tools)
/// keeps `swift`.
public enum ProcessExecutor: String, Sendable, CaseIterable {
    /// Swift's global concurrent executor.
    case swift
    /// NIO's `MultiThreadedEventLoopGroup.singleton`, installed as Swift's global executor.
    case nio

    /// The environment variable that picks the executor of `skat` (default `nio`) and of `meerkat-bench` (default
    /// `swift`, the library's).
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
