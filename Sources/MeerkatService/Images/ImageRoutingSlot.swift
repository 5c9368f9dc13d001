public import MeerkatCore
public import MeerkatRuntime
import Synchronization

/// An `ImageOperationRouting` whose target is connected after construction.
///
/// The agent factory (which builds `generate_image`) is created before the session service that implements the
/// routing, so the factory gets the slot and the environment connects the service once it exists. Until then every
/// call fails with `RuntimeDriverError.internal` and the tool reports the error; nothing is routed.
public final class ImageRoutingSlot: ImageOperationRouting {
    // Mutex-protected: every access goes through `target.withLock`.
    private let target = Mutex<(any ImageOperationRouting)?>(nil)

    /// Creates an unconnected slot.
    public init() {}

    /// Connects (or replaces) the routing calls are forwarded to.
    public func connect(_ routing: any ImageOperationRouting) {
        target.withLock { $0 = routing }
    }

    private func connected() throws(RuntimeDriverError) -> any ImageOperationRouting {
        guard let routing = target.withLock({ $0 }) else {
            throw .internal("image operation routing is not connected to a session service")
        }
        return routing
    }

    public func sessionModelRoutingStatus(session: SessionID) async throws(RuntimeDriverError)
        -> SessionModelRoutingStatus
    {
        try await connected().sessionModelRoutingStatus(session: session)
    }

    public func denyImageOperationPlan(
        session: SessionID, operation: ImageOperationID, reason: ImageOperationDenialReason
    ) async throws(RuntimeDriverError) -> ImageOperationPhase {
        try await connected().denyImageOperationPlan(session: session, operation: operation, reason: reason)
    }

    public func beginImageOperation(session: SessionID, _ request: ImageOperationRoutingRequest)
        async throws(RuntimeDriverError) -> ImageOperationRoutingResult
    {
        try await connected().beginImageOperation(session: session, request)
    }

    public func activateImageOperationOverride(session: SessionID, operation: ImageOperationID)
        async throws(RuntimeDriverError) -> ImageOperationPhase
    {
        try await connected().activateImageOperationOverride(session: session, operation: operation)
    }

    public func classifyImageOperationTerminal(
        session: SessionID, operation: ImageOperationID, observation: ImageProviderTerminalObservation,
        providerText: String?
    ) async throws(RuntimeDriverError) -> ImageOperationTerminalClass {
        try await connected().classifyImageOperationTerminal(
            session: session, operation: operation, observation: observation, providerText: providerText)
    }

    public func completeImageOperation(
        session: SessionID, operation: ImageOperationID, terminal: ImageOperationTerminalClass
    ) async throws(RuntimeDriverError) -> ImageOperationPhase {
        try await connected().completeImageOperation(session: session, operation: operation, terminal: terminal)
    }

    public func restoreImageOperationOverride(session: SessionID, operation: ImageOperationID)
        async throws(RuntimeDriverError) -> ImageOperationPhase
    {
        try await connected().restoreImageOperationOverride(session: session, operation: operation)
    }
}
