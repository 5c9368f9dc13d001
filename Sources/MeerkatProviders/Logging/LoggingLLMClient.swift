import Foundation
public import Logging
public import MeerkatCore

/// Logs the model calls of a wrapped client: what was asked and how it ended, never credentials (keys live in
/// headers, which this layer never sees). `debug`: one line per call start and end; `trace`: every stream event.
public struct LoggingLLMClient: LLMClient {
    /// The client doing the work.
    public let base: any LLMClient
    /// Where the provider's base URL is, for the log (no credentials in it).
    public let endpoint: String
    private let logger: Logger

    /// Wraps `base`.
    public init(_ base: any LLMClient, endpoint: String, logger: Logger) {
        self.base = base
        self.endpoint = endpoint
        self.logger = logger
    }

    public var provider: String { base.provider }

    public func stream(_ request: LLMRequest) -> AsyncStream<LLMEvent> {
        let logger = logger
        let metadata: Logger.Metadata = [
            "provider": .string(base.provider), "endpoint": .string(endpoint), "model": .string(request.model),
        ]
        logger.debug(
            "model call started",
            metadata: metadata.merging([
                "messages": .stringConvertible(request.messages.count),
                "tools": .stringConvertible(request.tools.count),
                "max_tokens": .stringConvertible(request.maxTokens),
                "structured_output": .stringConvertible(request.outputFormat != nil),
            ]) { _, new in new })
        let upstream = base.stream(request)
        return AsyncStream { continuation in
            let task = Task {
                let started = ContinuousClock.now
                for await event in upstream {
                    logger.trace(
                        "stream event",
                        metadata: metadata.merging(["event": .string(Self.describe(event))]) {
                            _, new in new
                        })
                    if case .done(let outcome) = event {
                        let elapsed = ContinuousClock.now - started
                        var end = metadata
                        end["elapsed_ms"] = .stringConvertible(
                            elapsed.components.seconds * 1000
                                + elapsed.components.attoseconds / 1_000_000_000_000_000)
                        switch outcome {
                        case .success(let stop):
                            end["stop_reason"] = .string(stop.rawValue)
                            logger.debug("model call finished", metadata: end)
                        case .failure(let error):
                            end["error"] = .string(error.kind.rawValue)
                            end["status"] = .stringConvertible(error.status ?? 0)
                            logger.notice("model call failed", metadata: end)
                        }
                    }
                    continuation.yield(event)
                }
                continuation.finish()
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    /// A short description of an event (sizes, not contents, for text).
    static func describe(_ event: LLMEvent) -> String {
        switch event {
        case .textDelta(let text, _): "text_delta(\(text.count) chars)"
        case .reasoningDelta(let text): "reasoning_delta(\(text.count) chars)"
        case .reasoningComplete(let text, _): "reasoning_complete(\(text.count) chars)"
        case .toolCallDelta(let id, _, let args): "tool_call_delta(\(id), \(args.count) chars)"
        case .toolCallComplete(let id, let name, _, _): "tool_call_complete(\(id), \(name))"
        case .usage(let usage): "usage(in \(usage.inputTokens), out \(usage.outputTokens))"
        case .liveness: "liveness"
        case .done(.success(let stop)): "done(\(stop.rawValue))"
        case .done(.failure(let error)): "done(\(error.kind.rawValue))"
        }
    }
}
