import Foundation
import MeerkatCore
import MeerkatRuntime

/// The reconfigure host the service installs on a live session's runtime (RUNTIME.md §12): resolves against the
/// catalog, applies identity and tool visibility to the live agent, persists the session's intent.
struct ServiceReconfigureHost: LLMReconfigureHost {
    let sessionID: SessionID
    let agent: Agent
    let resolver: any SessionModelResolving
    let config: MeerkatConfig
    let sessions: any SessionStore
    /// Discards the live session (the service unregisters it; it is rebuilt from durable state on next use).
    let discard: @Sendable () async -> Void

    func resolve(current: SessionLLMIdentity, request: SessionLLMReconfigureRequest) async throws(RuntimeDriverError)
        -> ResolvedLLMIdentity
    {
        do {
            return try resolver.resolve(current: current, request: request, config: config)
        } catch {
            throw .validationFailed(reason: error.description)
        }
    }

    /// The next turn routes through the runtime's identity (adopted after this transaction), so the live part is
    /// the tool set (capability visibility) and the intent the live session carries.
    func applyLive(_ target: ResolvedLLMIdentity) async throws(RuntimeDriverError) {
        try await apply(target.identity)
    }

    func rollbackLive(to previous: ResolvedLLMIdentity) async throws(RuntimeDriverError) {
        try await apply(previous.identity)
    }

    private func apply(_ identity: SessionLLMIdentity) async throws(RuntimeDriverError) {
        var intent = await agent.session.intent
        intent.model = identity.model
        intent.provider = ProviderKind(rawValue: identity.provider)
        // An ad-hoc server (`base_url`) stays with the session, so a later switch can route back to it.
        let tools: ToolDispatcher
        let value: JSONValue
        do {
            tools = try await resolver.tools(intent: intent, config: config, model: identity.model)
            value = try WireJSON.toJSONValue(intent)
        } catch let error as ServiceError {
            throw .validationFailed(reason: error.description)
        } catch {
            throw .internal("\(error)")
        }
        await agent.stageTools(tools)
        await agent.setSessionMetadata(Session.intentKey, value)
        await agent.setSessionMetadata(SessionSummary.modelKey, .string(identity.model))
    }

    /// Idle: the live session is saved now. Running: the run's boundary commit carries the new intent; the
    /// runtime's routing row (written in this transaction) is the authority meanwhile.
    func persist(_ identity: SessionLLMIdentity) async throws(RuntimeDriverError) {
        guard !(await agent.isRunning) else { return }
        var session = await agent.session
        session.updatedAt = Date()
        do {
            try await sessions.save(session)
        } catch {
            throw .internal("saving session \(sessionID): \(error)")
        }
    }

    func discardLive() async {
        await discard()
    }
}
