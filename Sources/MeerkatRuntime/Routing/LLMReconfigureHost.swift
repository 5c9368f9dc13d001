import Foundation
import MeerkatCore

/// A target identity resolved against the model registry, with what the runtime plans from it.
public struct ResolvedLLMIdentity: Sendable, Hashable {
    public var identity: SessionLLMIdentity
    public var capabilities: SessionLLMCapabilitySurface
    /// Tools the capability surface hides (e.g. `view_image` without `image_tool_results`).
    public var hiddenTools: [String]

    public init(identity: SessionLLMIdentity, capabilities: SessionLLMCapabilitySurface, hiddenTools: [String]) {
        self.identity = identity
        self.capabilities = capabilities
        self.hiddenTools = hiddenTools.sorted()
    }
}

/// What the runtime needs from the layer that owns the model registry and the live agent to reconfigure a
/// session's LLM identity (RUNTIME.md §12). The service installs one per live session.
public protocol LLMReconfigureHost: Sendable {
    /// Resolves `request` applied to `current` (omitted = keep, `clear` = remove). An unknown model is
    /// `validationFailed` naming it and the nearest catalog names.
    func resolve(current: SessionLLMIdentity, request: SessionLLMReconfigureRequest) async throws(RuntimeDriverError)
        -> ResolvedLLMIdentity
    /// Makes the live session use `target` from its next model request, with its tool visibility.
    func applyLive(_ target: ResolvedLLMIdentity) async throws(RuntimeDriverError)
    /// Undoes `applyLive`, back to `previous`.
    func rollbackLive(to previous: ResolvedLLMIdentity) async throws(RuntimeDriverError)
    /// Persists the session with `identity` (its metadata names the model and provider).
    func persist(_ identity: SessionLLMIdentity) async throws(RuntimeDriverError)
    /// The live session could not be rolled back: discard it so it is rebuilt from durable state.
    func discardLive() async
}
