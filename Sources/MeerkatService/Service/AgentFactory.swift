import Foundation
import MeerkatCore

/// Builds the agent for a session from its persisted intent and the current configuration.
public protocol AgentFactory: Sendable {
    /// The agent that will run `session`'s turns.
    func makeAgent(for session: Session, intent: SessionIntent, config: SkatConfig) async throws(ServiceError) -> Agent
}
