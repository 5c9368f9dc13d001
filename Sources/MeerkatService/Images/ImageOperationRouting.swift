public import MeerkatCore
public import MeerkatRuntime

/// The part of the runtime's image-operation protocol (RUNTIME.md §14) that `generate_image` drives, with the
/// seed's method names and shapes so the session service can conform directly once its machine implements them.
///
/// Call order for one operation: `sessionModelRoutingStatus` (plan) → `denyImageOperationPlan` (planner denial,
/// and nothing else) or `beginImageOperation` → `activateImageOperationOverride` (scoped override) → provider call →
/// `completeImageOperation` → `restoreImageOperationOverride`. The tool calls restore on every path once activation
/// was attempted, cancellation included.
public protocol ImageOperationRouting: Sendable {
    /// The session's routing status (baseline and effective model).
    func sessionModelRoutingStatus(session: SessionID) async throws(RuntimeDriverError) -> SessionModelRoutingStatus
    /// Records a planner denial: the operation ends in `terminal(denied)` without beginning.
    func denyImageOperationPlan(
        session: SessionID, operation: ImageOperationID, reason: ImageOperationDenialReason
    ) async throws(RuntimeDriverError) -> ImageOperationPhase
    /// Begins the operation (`plan_resolved`) or denies it (conflict, approval, unknown baseline).
    func beginImageOperation(session: SessionID, _ request: ImageOperationRoutingRequest)
        async throws(RuntimeDriverError) -> ImageOperationRoutingResult
    /// Activates the scoped override: the effective model is the target until restore.
    func activateImageOperationOverride(session: SessionID, operation: ImageOperationID)
        async throws(RuntimeDriverError) -> ImageOperationPhase
    /// Classifies what the tool observed (step 5); the class is recorded and `complete` must name it.
    func classifyImageOperationTerminal(
        session: SessionID, operation: ImageOperationID, observation: ImageProviderTerminalObservation,
        providerText: String?
    ) async throws(RuntimeDriverError) -> ImageOperationTerminalClass
    /// Records the classified terminal.
    func completeImageOperation(session: SessionID, operation: ImageOperationID, terminal: ImageOperationTerminalClass)
        async throws(RuntimeDriverError) -> ImageOperationPhase
    /// Clears the scoped override; the operation reaches `terminal`.
    func restoreImageOperationOverride(session: SessionID, operation: ImageOperationID)
        async throws(RuntimeDriverError) -> ImageOperationPhase
}

/// The session service implements §14 itself: `generate_image` drives the live session's runtime.
extension SessionService: ImageOperationRouting {}
