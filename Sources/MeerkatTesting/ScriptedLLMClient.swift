import Foundation
public import MeerkatCore
import Synchronization

/// One call of a scripted tool.
public struct ScriptedToolCall: Sendable, Hashable {
    public var id: String
    public var name: String
    /// Raw JSON arguments exactly as the "model" sends them (may be malformed on purpose).
    public var rawArgs: String

    public init(id: String, name: String, args: JSONValue) {
        self.id = id
        self.name = name
        self.rawArgs = args.compactText()
    }

    public init(id: String, name: String, rawArgs: String) {
        self.id = id
        self.name = name
        self.rawArgs = rawArgs
    }
}

/// What the scripted model does for one call.
public indirect enum ScriptedReply: Sendable {
    /// Streams the text in a few deltas and ends the turn.
    case text(String, usage: Usage? = Usage(inputTokens: 10, outputTokens: 5))
    /// Optional preamble text, then the tool calls (arguments streamed in fragments), stop reason tool_use.
    case toolCalls([ScriptedToolCall], text: String? = nil, usage: Usage? = Usage(inputTokens: 10, outputTokens: 5))
    /// A thinking block with a signature, then the next reply's events.
    case reasoning(String, signature: String, then: ScriptedReply)
    /// Exactly these events.
    case events([LLMEvent])
    /// Fails with this error (after `partialText`, if given).
    case error(LLMError, partialText: String? = nil)
    /// Emits the events, then never ends until cancelled.
    case stall(after: [LLMEvent])
    /// Waits until the gate opens, then plays the reply (to hold a call in flight).
    case gated(ScriptedGate, ScriptedReply)

    /// The events this reply streams (for gated/stall replies, the events before waiting).
    public var events: [LLMEvent] {
        switch self {
        case .text(let text, let usage):
            var events = Self.chunks(text).map { LLMEvent.textDelta($0) }
            if let usage { events.append(.usage(usage)) }
            events.append(.done(.success(.endTurn)))
            return events
        case .toolCalls(let calls, let text, let usage):
            var events: [LLMEvent] = text.map { Self.chunks($0).map { LLMEvent.textDelta($0) } } ?? []
            for call in calls {
                let mid = call.rawArgs.index(call.rawArgs.startIndex, offsetBy: call.rawArgs.count / 2)
                events.append(.toolCallDelta(id: call.id, name: call.name, argsDelta: String(call.rawArgs[..<mid])))
                events.append(.toolCallDelta(id: call.id, name: nil, argsDelta: String(call.rawArgs[mid...])))
                events.append(.toolCallComplete(id: call.id, name: call.name, args: call.rawArgs, meta: nil))
            }
            if let usage { events.append(.usage(usage)) }
            events.append(.done(.success(.toolUse)))
            return events
        case .reasoning(let text, let signature, let next):
            return [
                .reasoningDelta(text),
                .reasoningComplete(
                    text: text, meta: ProviderMeta(provider: "scripted", data: ["signature": .string(signature)])),
            ] + next.events
        case .events(let events):
            return events
        case .error(let error, let partial):
            return (partial.map { [LLMEvent.textDelta($0)] } ?? []) + [.done(.failure(error))]
        case .stall(let events):
            return events
        case .gated(_, let next):
            return next.events
        }
    }

    static func chunks(_ text: String) -> [String] {
        guard text.count > 4 else { return [text] }
        let mid = text.index(text.startIndex, offsetBy: text.count / 2)
        return [String(text[..<mid]), String(text[mid...])]
    }
}

/// A gate a scripted reply waits on; tests open it when they are ready.
public final class ScriptedGate: Sendable {
    private struct State {
        var open = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    // Guarded by the mutex; continuations resumed outside it.
    private let state = Mutex(State())

    public init() {}

    /// Lets every current and future waiter through.
    public func open() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.open = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Waits until the gate opens.
    public func wait() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { state -> Bool in
                if state.open { return true }
                state.waiters.append(continuation)
                return false
            }
            if ready { continuation.resume() }
        }
    }
}

/// A deterministic `LLMClient` that plays scripted replies in order (or from a responder) and records requests.
public final class ScriptedLLMClient: LLMClient {
    private struct State {
        var replies: [ScriptedReply]
        var requests: [LLMRequest] = []
        var requestWaiters: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []
    }

    public let provider: String
    private let responder: (@Sendable (LLMRequest, Int) -> ScriptedReply)?
    // Guarded by the mutex.
    private let state: Mutex<State>

    /// Plays `replies` in order; a call past the end fails with a non-retryable error naming the problem.
    public init(_ replies: [ScriptedReply], provider: String = "scripted") {
        self.provider = provider
        self.responder = nil
        self.state = Mutex(State(replies: replies))
    }

    /// Asks `responder` for each call (request and 0-based call index).
    public init(provider: String = "scripted", responder: @escaping @Sendable (LLMRequest, Int) -> ScriptedReply) {
        self.provider = provider
        self.responder = responder
        self.state = Mutex(State(replies: []))
    }

    /// Every request received so far.
    public var requests: [LLMRequest] { state.withLock { $0.requests } }

    /// Suspends until at least `count` requests have arrived.
    public func waitForRequests(_ count: Int) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { state -> Bool in
                if state.requests.count >= count { return true }
                state.requestWaiters.append((count, continuation))
                return false
            }
            if ready { continuation.resume() }
        }
    }

    public func stream(_ request: LLMRequest) -> AsyncStream<LLMEvent> {
        let (reply, waiters) = state.withLock { state -> (ScriptedReply, [CheckedContinuation<Void, Never>]) in
            let index = state.requests.count
            state.requests.append(request)
            var ready: [CheckedContinuation<Void, Never>] = []
            state.requestWaiters.removeAll { waiter in
                guard state.requests.count >= waiter.count else { return false }
                ready.append(waiter.continuation)
                return true
            }
            let reply: ScriptedReply
            if let responder {
                reply = responder(request, index)
            } else if state.replies.isEmpty {
                reply = .error(LLMError(.invalidRequest, "scripted client has no reply for call \(index + 1)"))
            } else {
                reply = state.replies.removeFirst()
            }
            return (reply, ready)
        }
        for waiter in waiters { waiter.resume() }
        return AsyncStream { continuation in
            let task = Task {
                await Self.play(reply, into: continuation)
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    private static func play(_ reply: ScriptedReply, into continuation: AsyncStream<LLMEvent>.Continuation) async {
        switch reply {
        case .gated(let gate, let next):
            await gate.wait()
            await play(next, into: continuation)
            return
        case .stall(let events):
            for event in events { continuation.yield(event) }
            // Never finishes by itself: wait for cancellation.
            let gate = ScriptedGate()
            await withTaskCancellationHandler {
                await gate.wait()
            } onCancel: {
                gate.open()
            }
            continuation.finish()
            return
        default:
            for event in reply.events {
                if Task.isCancelled { break }
                continuation.yield(event)
            }
            continuation.finish()
        }
    }
}
