import Foundation
public import MeerkatCore

/// Waits for the terminal outcome of one admitted input (RUNTIME.md §9). Any number of handles may wait on the same
/// input; all observe the same outcome. Waiting after the input finished returns its recorded outcome at once.
public struct CompletionHandle: Sendable {
    public let inputID: InputID
    let runtime: SessionRuntime

    init(inputID: InputID, runtime: SessionRuntime) {
        self.inputID = inputID
        self.runtime = runtime
    }

    /// The outcome, once the runtime reaches one for this input.
    public func wait() async throws(CompletionWaitError) -> CompletionOutcome {
        try await runtime.waitForCompletion(inputID).get()
    }
}

extension SessionRuntime {
    /// A handle on any input of this runtime (waiting on a finished input returns its recorded outcome).
    public nonisolated func handle(for input: InputID) -> CompletionHandle {
        CompletionHandle(inputID: input, runtime: self)
    }
}
