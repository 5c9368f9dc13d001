import Foundation
public import MeerkatCore
import MeerkatProviders
public import MeerkatRuntime
import Synchronization

/// Runtime controls that surfaces expose beside the seed's runtime extension.
extension SessionService {
    /// The model catalog (with configured self-hosted aliases) when the service builds provider-backed agents;
    /// empty for other factories.
    public func modelCatalog() -> [ModelInfo] {
        guard let factory = factory as? ProviderAgentFactory else { return [] }
        return factory.catalog.entries.map(ModelInfo.init)
    }
}

extension SessionService {
    /// Waits until every input that is not finished in a live session reaches its terminal outcome, or `timeout`
    /// passes (for a graceful shutdown: turns end at a boundary instead of being cut; what is still unfinished
    /// afterwards stays durable and resumes after a restart). Returns whether everything finished.
    @discardableResult
    public func drainActiveInputs(timeout: Duration) async -> Bool {
        var pending: [(SessionID, InputID)] = []
        for id in liveSessionIDs {
            let inputs = (try? await registry.listActiveInputs(session: id)) ?? []
            pending += inputs.map { (id, $0) }
        }
        guard !pending.isEmpty else { return true }
        let waits = pending
        return await Self.race(timeout: timeout, timedOut: false) { [self] in
            for (session, input) in waits { _ = try? await waitForCompletion(session, input: input) }
            return true
        }
    }

    /// Waits for an input's outcome like `waitForCompletion(_:input:)`, but at most `timeout`: nil after that (the
    /// input goes on; ask again or read its state).
    public func waitForCompletion(_ id: SessionID, input: InputID, timeout: Duration) async throws(ServiceError)
        -> CompletionOutcome?
    {
        // Fails fast (unknown session) before racing.
        _ = try await live(id)
        let result: Result<CompletionOutcome, ServiceError>? = await Self.race(timeout: timeout, timedOut: nil) {
            [self] in
            do throws(ServiceError) {
                return .success(try await waitForCompletion(id, input: input))
            } catch {
                return .failure(error)
            }
        }
        return try result?.get()
    }

    /// The result of `work`, or `timedOut` when `timeout` passes first. Both run unstructured on purpose: a
    /// completion wait need not react to cancellation, and the deadline must win regardless.
    static func race<T: Sendable>(
        timeout: Duration, timedOut: T, _ work: @escaping @Sendable () async -> T
    ) async -> T {
        let once = ResumeOnce<T>()
        return await withCheckedContinuation { (continuation: CheckedContinuation<T, Never>) in
            once.set(continuation)
            Task { once.resume(await work()) }
            Task {
                try? await Task.sleep(for: timeout)
                once.resume(timedOut)
            }
        }
    }
}

/// Resumes a continuation with the first of several racing results.
private final class ResumeOnce<T: Sendable>: Sendable {
    private let continuation = Mutex<CheckedContinuation<T, Never>?>(nil)

    func set(_ value: CheckedContinuation<T, Never>) {
        continuation.withLock { $0 = value }
    }

    func resume(_ value: T) {
        continuation.withLock { $0.take() }?.resume(returning: value)
    }
}
