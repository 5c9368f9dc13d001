import Foundation

/// Evidence that a run boundary was applied (RUNTIME.md §7.5). Sequences are dense per run:
/// live checkpoints 1...n, the terminal boundary n+1.
public struct RunBoundaryReceipt: Sendable, Hashable, Codable {
    public var runID: RunID
    public var boundary: RunApplyBoundary
    public var contributingInputIDs: [InputID]
    /// Digest of the conversation after the boundary, when the executor computes one.
    public var conversationDigest: String?
    /// Transcript length after the boundary.
    public var messageCount: Int
    /// Per-run boundary sequence stamped by the runtime.
    public var sequence: UInt64

    private enum CodingKeys: String, CodingKey {
        case runID = "run_id", boundary, contributingInputIDs = "contributing_input_ids"
        case conversationDigest = "conversation_digest", messageCount = "message_count", sequence
    }

    public init(
        runID: RunID, boundary: RunApplyBoundary, contributingInputIDs: [InputID], conversationDigest: String? = nil,
        messageCount: Int, sequence: UInt64
    ) {
        self.runID = runID
        self.boundary = boundary
        self.contributingInputIDs = contributingInputIDs
        self.conversationDigest = conversationDigest
        self.messageCount = messageCount
        self.sequence = sequence
    }
}

/// The receipt an executor returns; the runtime stamps the sequence.
public struct RunBoundaryReceiptDraft: Sendable, Hashable {
    public var boundary: RunApplyBoundary
    public var contributingInputIDs: [InputID]
    public var conversationDigest: String?
    public var messageCount: Int

    public init(
        boundary: RunApplyBoundary, contributingInputIDs: [InputID], conversationDigest: String? = nil,
        messageCount: Int
    ) {
        self.boundary = boundary
        self.contributingInputIDs = contributingInputIDs
        self.conversationDigest = conversationDigest
        self.messageCount = messageCount
    }

    /// The final receipt with the runtime's sequence.
    public func stamped(runID: RunID, sequence: UInt64) -> RunBoundaryReceipt {
        RunBoundaryReceipt(
            runID: runID, boundary: boundary, contributingInputIDs: contributingInputIDs,
            conversationDigest: conversationDigest, messageCount: messageCount, sequence: sequence)
    }
}

/// How a successfully applied primitive ended, from the runtime's point of view.
public enum CoreRunTerminal: Sendable, Hashable {
    /// The run produced a result.
    case runResult(RunResult)
    /// Work was applied but produced no result (context-only work).
    case noResult
    /// A resume-pending primitive found nothing pending.
    case noPendingBoundary
    /// The run parked on one external callback tool.
    case callbackPending(toolUseID: String, toolName: String, args: JSONValue)
    /// The run parked on several external callback tools.
    case callbackBatchPending([ToolCall])
    /// The turn hit a typed hard failure after mutating the session (committed with the receipt).
    case machineTerminalFailure(ErrorReport)
}

/// What `CoreExecutor.apply` returns: the receipt draft, how the run ended and the session to commit.
public struct CoreApplyOutput: Sendable {
    public var receipt: RunBoundaryReceiptDraft
    public var terminal: CoreRunTerminal
    /// The session after the run, committed atomically with the receipt by persistent runtimes.
    public var session: Session?

    public init(receipt: RunBoundaryReceiptDraft, terminal: CoreRunTerminal, session: Session? = nil) {
        self.receipt = receipt
        self.terminal = terminal
        self.session = session
    }
}

/// Why an executor could not apply a primitive (RUNTIME.md §16).
public enum CoreExecutorError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The attempt failed; the runtime replays the contributors (attempt cap applies).
    case applyFailed(kind: ApplyFailureKind, message: String)
    /// The executor must be torn down; `executorNotProgressing` terminalises contributors as never executed.
    case teardownRequired(reason: TeardownReason, message: String)
    /// A control call to the executor failed.
    case controlFailed(String)
    /// The executor was stopped: the runtime takes its stop path.
    case stopped
    /// The run was hard-cancelled.
    case cancelled
    /// An invariant broke inside the executor.
    case `internal`(String)

    /// Classified cause of an apply failure.
    public enum ApplyFailureKind: String, Sendable, Hashable, Codable {
        case primitiveRejected = "primitive_rejected"
        case runtimeContextApply = "runtime_context_apply"
        case runtimeTurn = "runtime_turn"
        case hookDenied = "hook_denied"
        case hookRuntimeFailure = "hook_runtime_failure"
        case executorStopped = "executor_stopped"
        case executorControlFailed = "executor_control_failed"
        case executorInternal = "executor_internal"
        case unknown
    }

    /// Why teardown is required.
    public enum TeardownReason: String, Sendable, Hashable, Codable {
        case archivedSession = "archived_session"
        case sessionUnavailable = "session_unavailable"
        case durableProjectionAuthorityUnknown = "durable_projection_authority_unknown"
        case executorNotProgressing = "executor_not_progressing"
    }

    public var description: String {
        switch self {
        case .applyFailed(let kind, let message): "apply failed (\(kind.rawValue)): \(message)"
        case .teardownRequired(let reason, let message): "teardown required (\(reason.rawValue)): \(message)"
        case .controlFailed(let message): "executor control failed: \(message)"
        case .stopped: "executor stopped"
        case .cancelled: "run cancelled"
        case .internal(let message): "executor internal error: \(message)"
        }
    }
}

/// Request-only context delivered to a running turn at a checkpoint (a live steer). Never transcript.
public struct SteerContext: Sendable, Hashable {
    /// The input this context came from, when it came from one.
    public var inputID: InputID?
    /// What the model sees.
    public var content: [ContentBlock]

    public init(inputID: InputID? = nil, content: [ContentBlock]) {
        self.inputID = inputID
        self.content = content
    }
}

/// Facts about a cooperative boundary inside a run, given to the checkpoint.
public struct CheckpointInfo: Sendable, Hashable {
    public var runID: RunID
    /// LLM calls already made in this run (the next call is number `completedCalls + 1`).
    public var completedCalls: Int
    /// Transcript length at the boundary.
    public var messageCount: Int

    public init(runID: RunID, completedCalls: Int, messageCount: Int) {
        self.runID = runID
        self.completedCalls = completedCalls
        self.messageCount = messageCount
    }
}

/// Handed to the executor for one run: at each cooperative boundary between LLM calls the agent asks it for
/// request-only steer context; the runtime answers with the live steers admitted meanwhile (RUNTIME.md §7.6).
public protocol RunCheckpoint: Sendable {
    /// Called before every LLM call after the first; returns context to show the model from this call on.
    func atBoundary(_ info: CheckpointInfo) async -> [SteerContext]
    /// See the extension: mid-run transcript progress.
    func sessionProgress(_ session: Session, runStartIndex: Int) async
    /// See the extension: whether a cooperative wait should return at once.
    func yieldPending() async -> Bool
}

extension RunCheckpoint {
    /// Mid-run transcript progress: called after each committed model response and tool batch with the session and
    /// the transcript length when the run started. The runtime persists it so that a process that dies mid-run leaves
    /// a transcript that recovery can close (RUNTIME.md §11.4). The default ignores it.
    public func sessionProgress(_ session: Session, runStartIndex: Int) async {}

    /// True while the runtime has asked the run to yield (new work arrived) and the run has not reached a boundary
    /// since. Cooperative waits check it before waiting, so a wake-up that arrived before they started is not lost.
    /// The default is false.
    public func yieldPending() async -> Bool { false }
}

/// A checkpoint that never injects anything.
public struct NoCheckpoint: RunCheckpoint {
    public init() {}
    public func atBoundary(_ info: CheckpointInfo) async -> [SteerContext] { [] }
}

/// The agent core, seen from the runtime (RUNTIME.md §7.4–7.5).
public protocol CoreExecutor: Sendable {
    /// Applies one primitive as one run and reports how it ended.
    func apply(_ primitive: RunPrimitive, run: RunID, checkpoint: any RunCheckpoint) async throws(CoreExecutorError)
        -> CoreApplyOutput
    /// Hard-cancels the run if (and only if) `run` is the one executing.
    func interrupt(run: RunID) async
    /// Wakes cooperative waits (e.g. the `wait` tool) of the current run without cancelling anything.
    func interruptYielding() async
    /// Stops the executor for good; later applies fail with `.stopped`.
    func stop(reason: String) async
}
