public import MeerkatCore

/// A machine transition that is not legal in the current state. Guards are total: every refused
/// transition names what was asked and why it cannot happen.
public enum MachineGuardError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The runtime state does not allow the operation.
    case notReady(operation: String, state: RuntimeState)
    /// The runtime is destroyed.
    case destroyed
    /// The input is not tracked by the machine.
    case unknownInput(InputID)
    /// The input's phase does not allow the transition.
    case illegalTransition(input: InputID, from: InputLifecycleState, transition: String)
    /// A run-scoped operation named a run that is not the current one (run fencing).
    case staleRun(expected: RunID?, got: RunID)
    /// The batch offered for staging is not the one the machine authorises.
    case batchNotAuthorised([InputID])
    /// The policy table has no rule for the input.
    case policy(PolicyError)
    /// A model-routing or image-operation move was refused (RUNTIME.md §12–§14).
    case routing(RoutingGuardError)

    public var description: String {
        switch self {
        case .notReady(let operation, let state): "\(operation) is not allowed while the runtime is \(state.rawValue)"
        case .destroyed: "the runtime is destroyed"
        case .unknownInput(let id): "input \(id) is not tracked by this runtime"
        case .illegalTransition(let id, let from, let transition):
            "input \(id) cannot take \(transition) from phase \(from.rawValue)"
        case .staleRun(let expected, let got):
            "run \(got) is not the current run (\(expected.map(\.description) ?? "none"))"
        case .batchNotAuthorised(let ids): "batch \(ids.map(\.description)) is not the authorised next batch"
        case .policy(let error): "policy: \(error)"
        case .routing(let error): "routing: \(error)"
        }
    }

    /// The driver-level error for this guard failure.
    public var driverError: RuntimeDriverError {
        switch self {
        case .notReady(_, let state): .notReady(state: state)
        case .destroyed: .destroyed
        case .policy(let error): .validationFailed(reason: "\(error)")
        case .routing(let error): .validationFailed(reason: "\(error)")
        case .unknownInput, .illegalTransition, .staleRun, .batchNotAuthorised: .internal(description)
        }
    }
}
