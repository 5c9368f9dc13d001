import Foundation
import MeerkatCore
import MeerkatRuntime
import MeerkatService
import Testing

/// A small in-memory §14 routing for tests: enforces the phase order (an out-of-order call throws and is recorded
/// as an issue), tracks the active operation override, and records every call in order. Like a real
/// implementation whose writes honour cancellation, `complete` and `restore` refuse to run in a cancelled task, so
/// a tool that does not shield them from its caller's cancellation leaves the override active.
actor RecordingImageRouting: ImageOperationRouting {
    enum Call: Sendable, Hashable {
        case status
        case deny(ImageOperationID, ImageOperationDenialReason)
        case begin(ImageOperationID, target: ModelID)
        case activate(ImageOperationID)
        case classify(ImageOperationID, ImageOperationTerminalClass)
        case complete(ImageOperationID, ImageOperationTerminalClass)
        case restore(ImageOperationID)
    }

    private(set) var calls: [Call] = []
    private(set) var phases: [ImageOperationID: ImageOperationPhase] = [:]
    /// The operation whose scoped override is active.
    private(set) var activeOverride: ImageOperationID?
    private var targets: [ImageOperationID: ModelID] = [:]
    private var classified: [ImageOperationID: ImageOperationTerminalClass] = [:]
    let baseline: ModelID
    /// When set, `begin` answers `denied` with this reason (e.g. a scoped-override conflict).
    var beginDenial: String?

    init(baseline: ModelID = "claude-opus-5", beginDenial: String? = nil) {
        self.baseline = baseline
        self.beginDenial = beginDenial
    }

    /// The ordered call kinds, without operation ids.
    var sequence: [String] {
        calls.map { call in
            switch call {
            case .status: "status"
            case .deny(_, let reason): "deny(\(reason.wireName))"
            case .begin(_, let target): "begin(\(target))"
            case .activate: "activate"
            case .classify(_, let terminal): "classify(\(terminal.rawValue))"
            case .complete(_, let terminal): "complete(\(terminal.rawValue))"
            case .restore: "restore"
            }
        }
    }

    private func violation(_ message: String) -> RuntimeDriverError {
        Issue.record("phase order violated: \(message)")
        return .validationFailed(reason: message)
    }

    func sessionModelRoutingStatus(session: SessionID) async throws(RuntimeDriverError) -> SessionModelRoutingStatus {
        calls.append(.status)
        // The status type has no public initialiser (its fields belong to the runtime); its wire form does.
        let effective = activeOverride.flatMap { targets[$0] } ?? baseline
        let wire = #"{"baseline_model":"\#(baseline)","effective_model":"\#(effective)","topology_epoch":0}"#
        do {
            return try JSONDecoder().decode(SessionModelRoutingStatus.self, from: Data(wire.utf8))
        } catch {
            throw .internal("status: \(error)")
        }
    }

    func denyImageOperationPlan(
        session: SessionID, operation: ImageOperationID, reason: ImageOperationDenialReason
    ) async throws(RuntimeDriverError) -> ImageOperationPhase {
        calls.append(.deny(operation, reason))
        guard phases[operation] == nil else { throw violation("deny of recorded operation \(operation)") }
        phases[operation] = .terminal(.denied)
        return .terminal(.denied)
    }

    func beginImageOperation(session: SessionID, _ request: ImageOperationRoutingRequest)
        async throws(RuntimeDriverError) -> ImageOperationRoutingResult
    {
        calls.append(.begin(request.operationID, target: request.targetModel))
        guard phases[request.operationID] == nil else { throw violation("begin of recorded operation") }
        if let beginDenial {
            phases[request.operationID] = .terminal(.denied)
            return .denied(operationID: request.operationID, reason: beginDenial)
        }
        phases[request.operationID] = .planResolved
        targets[request.operationID] = request.targetModel
        return .accepted(operationID: request.operationID, phase: .planResolved)
    }

    func activateImageOperationOverride(session: SessionID, operation: ImageOperationID)
        async throws(RuntimeDriverError) -> ImageOperationPhase
    {
        calls.append(.activate(operation))
        guard phases[operation] == .planResolved else {
            throw violation("activate from \(String(describing: phases[operation]))")
        }
        guard activeOverride == nil else { throw violation("activate while another override is active") }
        activeOverride = operation
        phases[operation] = .scopedOverrideActive
        return .scopedOverrideActive
    }

    func classifyImageOperationTerminal(
        session: SessionID, operation: ImageOperationID, observation: ImageProviderTerminalObservation,
        providerText: String?
    ) async throws(RuntimeDriverError) -> ImageOperationTerminalClass {
        let terminal = ImageOperationTerminalClassifier.classify(observation)
        calls.append(.classify(operation, terminal))
        classified[operation] = terminal
        return terminal
    }

    func completeImageOperation(session: SessionID, operation: ImageOperationID, terminal: ImageOperationTerminalClass)
        async throws(RuntimeDriverError) -> ImageOperationPhase
    {
        calls.append(.complete(operation, terminal))
        if let expected = classified[operation], expected != terminal {
            throw violation("complete(\(terminal.rawValue)) after classify(\(expected.rawValue))")
        }
        if Task.isCancelled { throw .internal("complete ran in a cancelled task") }
        guard phases[operation] == .scopedOverrideActive else {
            throw violation("complete from \(String(describing: phases[operation]))")
        }
        phases[operation] = .restoringScopedOverride
        return .restoringScopedOverride
    }

    func restoreImageOperationOverride(session: SessionID, operation: ImageOperationID)
        async throws(RuntimeDriverError) -> ImageOperationPhase
    {
        calls.append(.restore(operation))
        if Task.isCancelled { throw .internal("restore ran in a cancelled task") }
        guard phases[operation] == .restoringScopedOverride || phases[operation] == .scopedOverrideActive else {
            throw violation("restore from \(String(describing: phases[operation]))")
        }
        if activeOverride == operation { activeOverride = nil }
        let terminal: ImageOperationTerminalClass
        if case .complete(_, let completed)? = calls.last(where: {
            if case .complete(operation, _) = $0 { true } else { false }
        }) {
            terminal = completed
        } else {
            terminal = .failed
        }
        phases[operation] = .terminal(terminal)
        return .terminal(terminal)
    }
}
