import Foundation
import Synchronization

/// One assembled model response.
struct ModelResponse: Sendable {
    var blocks: [AssistantBlock]
    var stopReason: StopReason
    var usage: Usage?
}

extension Agent {
    /// Calls the model with retries (AGENT.md §1.5): exponential backoff with jitter, retry-after hints, a floor
    /// after rate limits, delays capped by the remaining time budget.
    func callModel(_ request: LLMRequest, run state: RunState, emitDeltas: Bool) async throws -> ModelResponse {
        var request = request
        if let imageBlobs, request.hasBlobImages {
            do {
                request = try request.resolvingBlobImages(with: imageBlobs)
            } catch {
                throw AgentError(
                    cause: .llmFailure, message: "model call failed: \(error)", reason: error.kind.rawValue,
                    llmError: error)
            }
        }
        var retries = 0
        while true {
            let error: LLMError
            do {
                return try await streamOnce(request, emitDeltas: emitDeltas)
            } catch let failure as LLMError {
                error = failure
            }
            try Task.checkCancellation()
            guard error.isRetryable else {
                throw AgentError(
                    cause: .llmFailure, message: "model call failed: \(error)", reason: error.kind.rawValue,
                    llmError: error)
            }
            let maxRetries = min(config.retry.maxRetries, error.maxRetries ?? .max)
            guard retries < maxRetries else {
                throw AgentError(
                    cause: .retryExhausted,
                    message: "model call failed after \(retries + 1) attempts: \(error)", reason: error.kind.rawValue,
                    llmError: error)
            }
            retries += 1
            let computed = config.retry.backoff(attempt: retries, jitterSample: jitterSample())
            var selected = computed
            if let hint = error.retryAfter, hint > computed {
                selected = hint
            } else if error.kind == .rateLimited {
                selected = max(computed, config.retry.rateLimitFloor)
            }
            if let remaining = remainingTime(state) { selected = max(.zero, min(selected, remaining)) }
            events.publish(
                .retrying(
                    RetrySchedule(
                        failureKind: Self.retryFailureKind(error.kind), provider: activeClient.provider,
                        message: error.message,
                        hintMS: error.retryAfter?.milliseconds, computedDelayMS: computed.milliseconds,
                        selectedDelayMS: selected.milliseconds, attempt: retries, maxRetries: maxRetries)))
            try await clock.sleep(for: selected)
            try checkTimeBudgets(state)
        }
    }

    static func retryFailureKind(_ kind: LLMError.Kind) -> String {
        switch kind {
        case .rateLimited: "rate_limited"
        case .networkTimeout, .streamStalled: "network_timeout"
        case .callTimeout: "call_timeout"
        default: "retryable_provider_error"
        }
    }

    /// What a call's consumer read: the assembled blocks, and how the stream ended (nil when it just stopped).
    private struct StreamRead: Sendable {
        var assembler: BlockAssembler
        var outcome: LLMStreamOutcome?
    }

    /// Streams one call. A consumer task reads the provider's stream directly (one hand-off per event, no relay in
    /// between) and assembles the response; the watchdog (inactivity or call timeout) records why and cancels it,
    /// and so does cancelling the run, so a silent provider never hangs the run.
    func streamOnce(_ request: LLMRequest, emitDeltas: Bool) async throws -> ModelResponse {
        let clock = self.clock
        let start = clock.now()
        let activity = ActivityMark(start)
        let client = activeClient
        let consumer = Task { () -> StreamRead in
            var assembler = BlockAssembler()
            for await event in client.stream(request) {
                activity.touch(clock.now())
                assembler.accept(event)
                switch event {
                case .textDelta(let delta, _) where emitDeltas: events.publish(.textDelta(delta))
                case .reasoningDelta(let delta) where emitDeltas: events.publish(.reasoningDelta(delta))
                case .reasoningComplete(let text, _) where emitDeltas: events.publish(.reasoningComplete(text))
                case .done(let end): return StreamRead(assembler: assembler, outcome: end)
                default: break
                }
            }
            return StreamRead(assembler: assembler, outcome: nil)
        }
        let watchdog = Watchdog(
            clock: clock, activity: activity, start: start, inactivity: config.retry.streamInactivityTimeout,
            callTimeout: config.retry.callTimeout
        ) { failure in
            activity.abort(failure)
            consumer.cancel()
        }
        watchdog.arm()
        let read = await withTaskCancellationHandler {
            await consumer.value
        } onCancel: {
            consumer.cancel()
        }
        watchdog.stop()
        try Task.checkCancellation()
        // A completion the consumer read first wins over a watchdog that fired after it.
        switch read.outcome ?? activity.aborted.map(LLMStreamOutcome.failure) {
        case .success(let stopReason):
            return ModelResponse(blocks: read.assembler.blocks(), stopReason: stopReason, usage: read.assembler.usage)
        case .failure(let error):
            throw error
        case nil:
            throw LLMError(.incompleteResponse, "the provider stream ended without a completion marker")
        }
    }

    /// Ends a model call that has been silent for `inactivity` or has run past `callTimeout`: a timer on the clock
    /// (no task of its own on the system clock) that, when it fires early because the stream was active meanwhile,
    /// arms itself again for the new deadline.
    final class Watchdog: Sendable {
        private let clock: any MeerkatClock
        private let activity: ActivityMark
        private let start: Duration
        private let inactivity: Duration?
        private let callTimeout: Duration?
        private let abort: @Sendable (LLMError) -> Void
        /// The armed timer; nil once stopped or fired for good.
        private let timer = Mutex<(armed: ClockTimer?, stopped: Bool)>((nil, false))

        init(
            clock: any MeerkatClock, activity: ActivityMark, start: Duration, inactivity: Duration?,
            callTimeout: Duration?, abort: @escaping @Sendable (LLMError) -> Void
        ) {
            self.clock = clock
            self.activity = activity
            self.start = start
            self.inactivity = inactivity
            self.callTimeout = callTimeout
            self.abort = abort
        }

        /// The next moment to look: the inactivity deadline from the last activity, bounded by the call's.
        private var deadline: Duration? {
            var deadline: Duration?
            if let inactivity { deadline = activity.value + inactivity }
            if let callTimeout { deadline = min(deadline ?? start + callTimeout, start + callTimeout) }
            return deadline
        }

        func arm() {
            guard let deadline else { return }
            let armed = clock.schedule(at: deadline) { [self] in fire() }
            let stale = timer.withLock { state -> ClockTimer? in
                if state.stopped { return armed }
                state.armed = armed
                return nil
            }
            stale?.cancel()
        }

        func stop() {
            timer.withLock { state -> ClockTimer? in
                state.stopped = true
                defer { state.armed = nil }
                return state.armed
            }?.cancel()
        }

        private func fire() {
            guard !timer.withLock({ $0.stopped }) else { return }
            let now = clock.now()
            if let callTimeout, now >= start + callTimeout {
                abort(LLMError(.callTimeout, "the model call exceeded its timeout of \(callTimeout)"))
            } else if let inactivity, now >= activity.value + inactivity {
                abort(LLMError(.streamStalled, "the provider stream showed no activity for \(inactivity)"))
            } else {
                arm()
            }
        }
    }
}
