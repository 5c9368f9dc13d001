import MeerkatCore
import Synchronization

/// The structured-output mode a self-hosted server accepts, learned as it refuses stronger ones.
///
/// Starts at the configured mode; when the server answers a request carrying `response_format` with an HTTP error
/// that names `response_format`, the client retries the same call in the next weaker mode and keeps using that mode
/// for later calls (json_schema → json_object → prompt_only). Shared by the copies of one client.
public final class StructuredOutputNegotiation: Sendable {
    private let mode: Mutex<SelfHostedModel.StructuredOutputMode>

    /// Starts at `initial`.
    public init(initial: SelfHostedModel.StructuredOutputMode) {
        mode = Mutex(initial)
    }

    /// The mode the next call uses.
    public var current: SelfHostedModel.StructuredOutputMode { mode.withLock { $0 } }

    /// Records that the server refused `refused`; returns the mode to retry with, or nil when none is left.
    func downgrade(from refused: SelfHostedModel.StructuredOutputMode) -> SelfHostedModel.StructuredOutputMode? {
        guard let next = refused.fallback else { return nil }
        // Another call may already have moved further down; never move back up.
        mode.withLock { current in if current == refused { current = next } }
        return next
    }

    /// Whether `error` is the server refusing the `response_format` it was sent (not a transient failure).
    static func isFormatRefusal(_ error: LLMError) -> Bool {
        guard let status = error.status, (400..<600).contains(status), status != 429, status != 503 else {
            return false
        }
        return (error.detail ?? error.message).lowercased().contains("response_format")
    }
}
