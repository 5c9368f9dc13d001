import Foundation
import Synchronization

/// What a tool returns: content blocks, marked as an error or not.
public struct ToolOutput: Sendable, Hashable {
    public var content: [ContentBlock]
    public var isError: Bool

    public init(content: [ContentBlock], isError: Bool = false) {
        self.content = content
        self.isError = isError
    }

    /// A text result.
    public static func text(_ text: String) -> ToolOutput { ToolOutput(content: [.text(text)]) }

    /// A JSON result rendered as compact text.
    public static func json(_ value: JSONValue) -> ToolOutput { ToolOutput(content: [.text(value.compactText())]) }

    /// An error result the model sees.
    public static func error(_ message: String) -> ToolOutput { ToolOutput(content: [.text(message)], isError: true) }
}

/// A typed tool failure; the loop turns it into an `is_error` result naming the problem.
public enum ToolError: Error, Sendable, Hashable, CustomStringConvertible {
    case notFound(String)
    case unavailable(String)
    case invalidArguments(String)
    case executionFailed(String)
    case timeout(String)
    case accessDenied(String)
    case policyDenied(String)
    case cancelled

    public var description: String {
        switch self {
        case .notFound(let name): "tool '\(name)' is not available"
        case .unavailable(let message): "tool unavailable: \(message)"
        case .invalidArguments(let message): "invalid arguments: \(message)"
        case .executionFailed(let message): message
        case .timeout(let message): message
        case .accessDenied(let message): "access denied: \(message)"
        case .policyDenied(let message): "denied by policy: \(message)"
        case .cancelled: "the tool call was cancelled"
        }
    }
}

/// A signal a tool can wait on cooperatively; the runtime's `InterruptYielding` fires it to wake waits early
/// without cancelling anything.
public final class YieldSignal: Sendable {
    private struct State {
        var generation: UInt64 = 0
        var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
        var nextToken: UInt64 = 0
    }

    // Mutex-protected state: every access goes through `state.withLock`.
    private let state = Mutex(State())

    public init() {}

    /// Wakes every current waiter.
    public func fire() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.generation += 1
            let waiters = Array(state.waiters.values)
            state.waiters.removeAll()
            return waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// How many times the signal fired.
    public var generation: UInt64 { state.withLock { $0.generation } }

    /// Suspends until the signal fires after `generation`, or the task is cancelled.
    public func wait(after generation: UInt64) async {
        let token = state.withLock { state -> UInt64 in
            state.nextToken += 1
            return state.nextToken
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    if state.generation != generation || Task.isCancelled { return true }
                    state.waiters[token] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { $0.waiters.removeValue(forKey: token) }
            waiter?.resume()
        }
    }
}

/// What a tool knows about the call it serves.
public struct ToolCallContext: Sendable {
    public var sessionID: SessionID
    public var runID: RunID?
    public var toolUseID: String
    /// Fired by the runtime's `InterruptYielding`; cooperative waits should return early.
    public var yieldSignal: YieldSignal
    /// The signal's generation when the tool batch started: a wait should return when the signal fired after it,
    /// so that a wake-up that arrives between the model's request and the tool's start is not lost.
    public var yieldGeneration: UInt64
    /// Asks the runtime whether a wake-up is already pending for this run (see `RunCheckpoint.yieldPending()`).
    public var yieldPending: @Sendable () async -> Bool

    public init(
        sessionID: SessionID, runID: RunID?, toolUseID: String, yieldSignal: YieldSignal = YieldSignal(),
        yieldGeneration: UInt64? = nil, yieldPending: @escaping @Sendable () async -> Bool = { false }
    ) {
        self.sessionID = sessionID
        self.runID = runID
        self.toolUseID = toolUseID
        self.yieldSignal = yieldSignal
        self.yieldGeneration = yieldGeneration ?? yieldSignal.generation
        self.yieldPending = yieldPending
    }

    /// True when a cooperative wait should return at once: the signal fired since the batch began, or the runtime
    /// reports a pending wake-up.
    public func shouldYield() async -> Bool {
        if yieldSignal.generation != yieldGeneration { return true }
        return await yieldPending()
    }
}

/// A tool the model can call. Implementations must honour task cancellation.
public protocol Tool: Sendable {
    /// Name, description and argument schema.
    var definition: ToolDefinition { get }
    /// Runs the call. Throwing a `ToolError` (or any error) yields an `is_error` result; the loop continues.
    func call(_ arguments: JSONValue, context: ToolCallContext) async throws -> ToolOutput
}

extension Tool {
    /// The tool's name.
    public var name: String { definition.name }
}
