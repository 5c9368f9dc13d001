import Foundation
public import MeerkatCore
public import MeerkatRuntime

/// The session service answers the seed's runtime extension by making the session live and forwarding to its runtime.
extension SessionService: SessionServiceRuntimeExt {
    private func forward<T>(_ session: SessionID, _ body: (RuntimeRegistry) async throws(RuntimeDriverError) -> T)
        async throws(RuntimeDriverError) -> T
    {
        do {
            _ = try await live(session)
        } catch {
            if case .runtime(let inner) = error { throw inner }
            throw .notFound(runtimeID: .session(session))
        }
        return try await body(registry)
    }

    public func acceptInput(_ input: Input, session: SessionID) async throws(RuntimeDriverError) -> AcceptOutcome {
        try await forward(session) { registry throws(RuntimeDriverError) in
            try await registry.acceptInput(input, session: session)
        }
    }

    public func acceptInputWithCompletion(_ input: Input, session: SessionID) async throws(RuntimeDriverError)
        -> (AcceptOutcome, CompletionHandle?)
    {
        try await forward(session) { registry throws(RuntimeDriverError) in
            try await registry.acceptInputWithCompletion(input, session: session)
        }
    }

    public func runtimeState(session: SessionID) async throws(RuntimeDriverError) -> RuntimeState {
        try await forward(session) { registry throws(RuntimeDriverError) in
            try await registry.runtimeState(session: session)
        }
    }

    public func retireRuntime(session: SessionID) async throws(RuntimeDriverError) -> RetireReport {
        try await forward(session) { registry throws(RuntimeDriverError) in
            try await registry.retireRuntime(session: session)
        }
    }

    public func resetRuntime(session: SessionID) async throws(RuntimeDriverError) -> ResetReport {
        try await forward(session) { registry throws(RuntimeDriverError) in
            try await registry.resetRuntime(session: session)
        }
    }

    public func inputState(_ input: InputID, session: SessionID) async throws(RuntimeDriverError) -> StoredInputState? {
        try await registry.inputState(input, session: session)
    }

    public func listActiveInputs(session: SessionID) async throws(RuntimeDriverError) -> [InputID] {
        try await forward(session) { registry throws(RuntimeDriverError) in
            try await registry.listActiveInputs(session: session)
        }
    }

    public func inputStateByIdempotencyKey(_ key: IdempotencyKey, session: SessionID) async throws(RuntimeDriverError)
        -> StoredInputState?
    {
        try await registry.inputStateByIdempotencyKey(key, session: session)
    }

    public func inputTerminalCompletion(_ input: InputID, session: SessionID) async throws(RuntimeDriverError)
        -> CompletionOutcome?
    {
        try await forward(session) { registry throws(RuntimeDriverError) in
            try await registry.inputTerminalCompletion(input, session: session)
        }
    }

    public func interactionTerminalStatus(session: SessionID, _ selector: InteractionSelector)
        async throws(RuntimeDriverError)
        -> InteractionTerminalStatus?
    {
        try await forward(session) { registry throws(RuntimeDriverError) in
            try await registry.interactionTerminalStatus(session: session, selector)
        }
    }

    public func runTerminalStatus(session: SessionID, run: RunID) async throws(RuntimeDriverError) -> RunTerminalStatus
    {
        try await forward(session) { registry throws(RuntimeDriverError) in
            try await registry.runTerminalStatus(session: session, run: run)
        }
    }
}
