import Foundation
public import MeerkatCore

/// Builds the agent for a session from its persisted intent and the current configuration.
public protocol AgentFactory: Sendable {
    /// The agent that will run `session`'s turns.
    func makeAgent(for session: Session, intent: SessionIntent, config: MeerkatConfig) async throws(ServiceError)
        -> Agent
    /// The model a session with this intent would use, when the factory can tell without building an agent.
    func resolvedModel(intent: SessionIntent, config: MeerkatConfig) -> String?
    /// Routing and reconfiguration support (RUNTIME.md §12–§13); nil: turns use the agent's own client and
    /// reconfiguration answers a typed error.
    var modelResolver: (any SessionModelResolving)? { get }
}

extension AgentFactory {
    /// Unknown by default.
    public func resolvedModel(intent: SessionIntent, config: MeerkatConfig) -> String? { nil }

    /// None by default.
    public var modelResolver: (any SessionModelResolving)? { nil }
}
