import Foundation
public import MeerkatCore
public import MeerkatRuntime
import Synchronization

/// `callback_pending` for waiters (docs/rpc.md, "Callback tools"): a run whose model called an external tool waits
/// inline for the client that provides it. A waiter that asks for it gets `callback_pending` (one call) or
/// `callback_batch_pending` (several) while its input's run is parked on such calls, instead of waiting for however
/// long the client takes; the input stays in its run and reaches its terminal outcome once the clients answered
/// (wait again for it). This answers the waiter only: the input's recorded terminal outcome is never a callback one,
/// since the run does not end and resume through a continuation input as in the seed.
extension SessionService {
    /// Waits for an input's outcome; with `returningOnCallback`, returns `callbackPending` / `callbackBatchPending`
    /// as soon as the input's run waits on external tool calls (checked at once and after every call handed to a
    /// client or answered), whichever comes first.
    public func waitForCompletion(_ id: SessionID, input: InputID, returningOnCallback: Bool)
        async throws(ServiceError) -> CompletionOutcome
    {
        guard returningOnCallback else { return try await waitForCompletion(id, input: input) }
        _ = try await live(id)
        let changes = callbackCalls.changes(session: id)
        let result = await Self.firstOf(
            { [self] () async -> Result<CompletionOutcome, ServiceError> in
                do throws(ServiceError) {
                    return .success(try await waitForCompletion(id, input: input))
                } catch {
                    return .failure(error)
                }
            },
            { [self] () async -> Result<CompletionOutcome, ServiceError>? in
                for await _ in changes {
                    let calls = callbackCalls.pending(session: id)
                    guard !calls.isEmpty, await isInCurrentRun(input, session: id) else { continue }
                    guard calls.count > 1 else {
                        return .success(
                            .callbackPending(
                                toolUseID: calls[0].toolUseID, toolName: calls[0].toolName, args: calls[0].args))
                    }
                    return .success(.callbackBatchPending(pendingToolCalls: calls))
                }
                return nil
            })
        return try result.get()
    }

    /// The external tool calls of a session that wait for their clients now, oldest first.
    public func pendingCallbackCalls(_ id: SessionID) -> [PendingCallbackToolCall] {
        callbackCalls.pending(session: id)
    }

    /// True while the input is a member of the session's running batch (staged for it, not yet settled).
    private func isInCurrentRun(_ input: InputID, session id: SessionID) async -> Bool {
        guard let row = try? await registry.inputState(input, session: id) else { return false }
        switch row.phase {
        case .staged, .applied, .appliedPendingConsumption: return true
        default: return false
        }
    }

    /// An external tool whose calls are tracked as outstanding while its client works on them.
    static func tracked(_ tool: ExternalTool, calls: CallbackCallTracker) -> ExternalTool {
        let name = tool.definition.name
        return ExternalTool(definition: tool.definition) { arguments, context in
            calls.begin(
                session: context.sessionID,
                PendingCallbackToolCall(toolUseID: context.toolUseID, toolName: name, args: arguments))
            defer { calls.end(session: context.sessionID, toolUseID: context.toolUseID) }
            do {
                return try await tool.call(arguments, context: context)
            } catch {
                return .error("callback tool '\(name)' failed: \(error)")
            }
        }
    }

    /// The first answer of `wait` (which need not react to cancellation: it runs on until its input finishes) or
    /// of `watch` (cancelled when `wait` answers first; nil means it gave up).
    static func firstOf<T: Sendable>(
        _ wait: @escaping @Sendable () async -> T, _ watch: @escaping @Sendable () async -> T?
    ) async -> T {
        let once = FirstAnswer<T>()
        return await withCheckedContinuation { (continuation: CheckedContinuation<T, Never>) in
            once.set(continuation)
            let watcher = Task {
                if let answer = await watch() { once.resume(answer) }
            }
            Task {
                once.resume(await wait())
                watcher.cancel()
            }
        }
    }
}

/// Resumes a continuation with the first of several racing answers.
private final class FirstAnswer<T: Sendable>: Sendable {
    private let continuation = Mutex<CheckedContinuation<T, Never>?>(nil)

    func set(_ value: CheckedContinuation<T, Never>) {
        continuation.withLock { $0 = value }
    }

    func resume(_ value: T) {
        continuation.withLock { $0.take() }?.resume(returning: value)
    }
}
